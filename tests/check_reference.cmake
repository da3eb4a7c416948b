# Fails when the checked-in docs/scenario-reference.md differs from what the schema writes.
execute_process(COMMAND ${GENERATOR} ${GENERATED} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} failed (exit ${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${GENERATED} ${CHECKED_IN} RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "docs/scenario-reference.md is not what the schema writes (see ${GENERATED});"
                      " run: cmake --build build --target scenario-reference")
endif()
