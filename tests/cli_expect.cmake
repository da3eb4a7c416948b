# The helpers of the command-line checks: run ckptsim (from the repository root) and look for
# text in what it printed.
function(expect_run expected_rc)
  execute_process(COMMAND ${CKPTSIM} ${ARGN} WORKING_DIRECTORY ${SOURCE}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expected_rc)
    message(FATAL_ERROR "ckptsim ${ARGN}: exit ${rc}, expected ${expected_rc}\n${out}\n${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
  set(ERR "${err}" PARENT_SCOPE)
endfunction()

function(expect_text text haystack)
  string(FIND "${haystack}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected to find '${text}' in:\n${haystack}")
  endif()
endfunction()
