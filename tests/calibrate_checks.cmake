# `ckptsim calibrate` as a user runs it: the worked example of scenarios/calibrated is what
# calibrate writes from its responses (byte for byte, twice), the scenario validates, and every
# bad response exits 2 naming the file and the JSON path, writing nothing.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_expect.cmake)

# The worked example, as the README runs it (paths relative to the repository root).
set(D scenarios/calibrated/orders-enrichment)
set(EXAMPLE --checkpoints ${D}/checkpoints.json --config ${D}/checkpoints-config.json --job ${D}/job.json
            --subtasks ${D}/subtasks-339-20ba6b65f97481d5570070de90e4e791.json
            --subtasks source-kafka-source=${D}/subtasks-339-bc764cd8ddf7a0cff126f51c16239658.json)
foreach(run a b)
  expect_run(0 calibrate ${EXAMPLE} --out ${WORK}/${run}/orders-enrichment.yaml)
endforeach()
expect_text("end-to-end p50" "${OUT}")
expect_text("within the 15% target" "${OUT}")
file(SHA256 ${WORK}/a/orders-enrichment.yaml ha)
file(SHA256 ${WORK}/b/orders-enrichment.yaml hb)
file(SHA256 ${SOURCE}/scenarios/calibrated/orders-enrichment.yaml committed)
if(NOT ha STREQUAL hb)
  message(FATAL_ERROR "calibrate wrote different files from the same responses")
endif()
if(NOT ha STREQUAL committed)
  message(FATAL_ERROR "scenarios/calibrated/orders-enrichment.yaml is not what calibrate writes from "
                      "${D}/ (diff it against ${WORK}/a/orders-enrichment.yaml; rerun the README's command)")
endif()
# The what-if keeps the calibrated scenario unchanged from `job:` up to its own events.
file(READ ${SOURCE}/scenarios/calibrated/orders-enrichment.yaml calibrated)
file(READ ${SOURCE}/scenarios/calibrated/orders-enrichment-storage-halved.yaml whatif)
foreach(v calibrated whatif)
  string(FIND "${${v}}" "\njob:\n" from)
  string(SUBSTRING "${${v}}" ${from} -1 rest)
  string(REGEX REPLACE "\n(expect|events):\n.*" "" ${v}_body "${rest}")
endforeach()
if(NOT calibrated_body STREQUAL whatif_body)
  message(FATAL_ERROR "orders-enrichment-storage-halved.yaml no longer carries the calibrated "
                      "scenario unchanged: copy orders-enrichment.yaml's body (job: up to expect:) into it")
endif()
execute_process(COMMAND ${CKPTSIM} validate ${WORK}/a/orders-enrichment.yaml RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the scenario calibrate wrote does not validate")
endif()

# Bad responses: exit 2, the file and the JSON path named, nothing written.
file(WRITE ${WORK}/html.json "<html><head><title>502 Bad Gateway</title></head></html>\n")
file(WRITE ${WORK}/wrong-type.json "{\"history\": [{\"id\": 1, \"status\": \"COMPLETED\", \"trigger_timestamp\": 1, \"end_to_end_duration\": \"x\"}]}")
file(WRITE ${WORK}/no-history.json "{\"counts\": {\"restored\": 0, \"total\": 0, \"in_progress\": 0, \"completed\": 0, \"failed\": 0}}")
expect_run(2 calibrate --checkpoints ${WORK}/html.json --out ${WORK}/never.yaml)
expect_text("html.json: not a JSON response (it starts like an HTML page" "${ERR}")
expect_run(2 calibrate --checkpoints ${WORK}/wrong-type.json --out ${WORK}/never.yaml)
expect_text("wrong-type.json: history[0].end_to_end_duration: expected a number, got \"x\"" "${ERR}")
expect_run(2 calibrate --checkpoints ${WORK}/no-history.json --out ${WORK}/never.yaml)
expect_text("no-history.json: history: missing" "${ERR}")
expect_run(2 calibrate --checkpoints ${D}/checkpoints.json --config ${WORK}/wrong-type.json --out ${WORK}/never.yaml)
expect_text("wrong-type.json: interval: missing" "${ERR}")
expect_run(2 calibrate --checkpoints ${D}/checkpoints.json --job ${WORK}/html.json --out ${WORK}/never.yaml)
expect_run(2 calibrate --checkpoints ${D}/checkpoints.json --job ${D}/job.json --subtasks ${D}/job.json --out ${WORK}/never.yaml)
expect_text("job.json: num_subtasks: missing" "${ERR}")
expect_run(2 calibrate --checkpoints ${D}/checkpoints.json --job ${D}/job.json
                 --subtasks nope=${D}/subtasks-339-bc764cd8ddf7a0cff126f51c16239658.json --out ${WORK}/never.yaml)
expect_text("'nope' is no vertex of" "${ERR}")
expect_run(2 calibrate --checkpoints tests/data/rest/checkpoints-1.16-nan-empty.json --out ${WORK}/never.yaml)
expect_text("history: no COMPLETED checkpoint" "${ERR}")
expect_run(2 calibrate --checkpoints ${WORK}/missing.json --out ${WORK}/never.yaml)
expect_text("missing.json: cannot read" "${ERR}")
expect_run(2 calibrate --out ${WORK}/never.yaml)
expect_text("give --checkpoints FILE and --out SCENARIO.yaml" "${ERR}")
expect_run(2 calibrate --checkpoints ${D}/checkpoints.json)
if(EXISTS ${WORK}/never.yaml OR EXISTS ${WORK}/never.yaml.tmp)
  message(FATAL_ERROR "a bad response left a partial scenario")
endif()

# A history of one checkpoint: a stated default interval on stderr, and a scenario that runs.
expect_run(0 calibrate --checkpoints tests/data/rest/checkpoints-1.13-one-entry.json --out ${WORK}/one.yaml)
expect_text("a default of 1 min" "${ERR}")
execute_process(COMMAND ${CKPTSIM} run ${WORK}/one.yaml RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the one-checkpoint scenario does not run to its expectations (exit ${rc})")
endif()
