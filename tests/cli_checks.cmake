# What a user of the command line sees: exit codes, messages, no partial output.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_expect.cmake)

expect_run(2)
expect_run(0 --version)
expect_text("ckptsim " "${OUT}")
expect_run(0 --help)
expect_text("compare" "${OUT}")
expect_run(2 frobnicate)
expect_text("unknown command" "${ERR}")

# A missing file and a scenario with three typos: exit 2, every error positioned and helpful.
expect_run(2 run ${WORK}/missing.yaml)
expect_run(2 validate ${SOURCE}/tests/data/three-typos.yaml)
expect_text("three-typos.yaml:8:" "${ERR}")
expect_text("did you mean 'parallelism'" "${ERR}")
expect_text("did you mean 'bandwidth'" "${ERR}")
expect_text("did you mean 'timeout'" "${ERR}")

# No partial output on a scenario error.
expect_run(2 run ${SOURCE}/tests/data/three-typos.yaml --out ${WORK}/never)
if(EXISTS ${WORK}/never)
  message(FATAL_ERROR "a scenario error left a partial output directory")
endif()

# Overrides: an unknown path is an error; a good one changes the run.
expect_run(2 run ${SOURCE}/tests/data/failing-expectation.yaml --set checkpointing.timout=1min)
expect_run(2 run ${SOURCE}/tests/data/failing-expectation.yaml --set events.3.at=1min)

# A failing expectation: exit 1, with the expected and the actual value.
expect_run(1 run ${SOURCE}/tests/data/failing-expectation.yaml)
expect_text("completed == 3: expected 3, got 10" "${ERR}")
expect_run(0 run ${SOURCE}/tests/data/failing-expectation.yaml --set duration=2min30s)

# Checkpoint expectations far past the Recorder's in-memory window hold with and without
# --out (a full history, or only the records the expectations name); a wrong one still fails.
set(SPILLED ${SOURCE}/tests/data/spilled-checkpoint-expectations.yaml)
expect_run(0 run ${SPILLED})
expect_text("expectations  4/4 hold" "${OUT}")
expect_run(0 run ${SPILLED} --out ${WORK}/spilled)
expect_text("expectations  4/4 hold" "${OUT}")
expect_run(1 run ${SPILLED} --set expect.0.status=COMPLETED)
expect_text("checkpoint 2161: status COMPLETED, failure_reason CHECKPOINT_EXPIRED: expected status COMPLETED, failure_reason CHECKPOINT_EXPIRED, got status FAILED" "${ERR}")
expect_run(1 run ${SPILLED} --set expect.2.checkpoint=9000)
expect_text("got no checkpoint 9000 (the run created 8525)" "${ERR}")

# compare names the first checkpoint whose outcome differs.
expect_run(0 compare ${SOURCE}/scenarios/torn-interval-first.yaml
           --variant torn:events.1.patch.apply=torn --variant atomic:events.1.patch.apply=atomic)
expect_text("first checkpoint whose outcome differs: 2" "${OUT}")
expect_run(2 compare ${SOURCE}/scenarios/torn-interval-first.yaml --variant only:seed=1)
