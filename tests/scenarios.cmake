# The scenario library as a regression suite: every scenarios/**/*.yaml runs under ctest. Its
# expectations must hold, a second run must write byte-identical files, and its fingerprint
# must match tests/golden/fingerprints.txt (re-bless with tests/bless-fingerprints).
file(GLOB_RECURSE CKPTSIM_SCENARIOS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenarios/*.yaml)
foreach(scenario ${CKPTSIM_SCENARIOS})
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR}/scenarios ${scenario})
  string(REGEX REPLACE "\\.yaml$" "" name ${rel})
  add_test(NAME scenario/${name}
           COMMAND ${CMAKE_COMMAND}
                   -DCKPTSIM=$<TARGET_FILE:ckptsim>
                   -DSCENARIO=${scenario}
                   -DNAME=${name}
                   -DGOLDEN=${CMAKE_SOURCE_DIR}/tests/golden/fingerprints.txt
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/scenario-runs/${name}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/run_scenario.cmake)
  set_tests_properties(scenario/${name} PROPERTIES TIMEOUT 300)
endforeach()

# The command line itself: exit codes and messages a user sees.
add_test(NAME cli/usage-errors
         COMMAND ${CMAKE_COMMAND} -DCKPTSIM=$<TARGET_FILE:ckptsim>
                 -DSOURCE=${CMAKE_SOURCE_DIR}
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli-runs
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/cli_checks.cmake)
set_tests_properties(cli/usage-errors PROPERTIES TIMEOUT 300)

# The explorer's scenarios: every design's table pinned by a golden JSON, the exit code, and the
# scenarios --emit writes reproducing their outcomes.
file(GLOB CKPTSIM_EXPLORE_SCENARIOS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenarios/explore/*.yaml)
foreach(scenario ${CKPTSIM_EXPLORE_SCENARIOS})
  get_filename_component(name ${scenario} NAME_WE)
  add_test(NAME explore/${name}
           COMMAND ${CMAKE_COMMAND}
                   -DCKPTSIM=$<TARGET_FILE:ckptsim>
                   -DSCENARIO=${scenario}
                   -DNAME=${name}
                   -DGOLDEN=${CMAKE_SOURCE_DIR}/tests/golden/explore/${name}.json
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/explore-runs/${name}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/explore_scenario.cmake)
  set_tests_properties(explore/${name} PROPERTIES TIMEOUT 300)
endforeach()
add_test(NAME cli/explore
         COMMAND ${CMAKE_COMMAND} -DCKPTSIM=$<TARGET_FILE:ckptsim> -DSOURCE=${CMAKE_SOURCE_DIR}
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/explore-cli -P ${CMAKE_CURRENT_SOURCE_DIR}/explore_cli_checks.cmake)
set_tests_properties(cli/explore PROPERTIES TIMEOUT 300)
