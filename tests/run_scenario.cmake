# Runs one scenario twice (expectations must hold, outputs must be byte-identical) and checks
# its fingerprint against the golden file.
file(REMOVE_RECURSE ${WORK})
foreach(run a b)
  execute_process(COMMAND ${CKPTSIM} run ${SCENARIO} --out ${WORK}/${run} --events --trace
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ckptsim run ${SCENARIO} exited ${rc}\n${out}\n${err}")
  endif()
endforeach()
foreach(f summary.json history.csv timeline.svg events.jsonl trace.json)
  file(SHA256 ${WORK}/a/${f} ha)
  file(SHA256 ${WORK}/b/${f} hb)
  if(NOT ha STREQUAL hb)
    message(FATAL_ERROR "${NAME}: ${f} differs between two runs of the same scenario and seed")
  endif()
endforeach()
# The JSON outputs load with a real parser (Python's json) when Python is there.
find_program(PYTHON3 python3)
if(PYTHON3)
  execute_process(COMMAND ${PYTHON3} -c "
import json, sys
d = sys.argv[1]
json.load(open(d + '/summary.json'))
t = json.load(open(d + '/trace.json'))
assert isinstance(t['traceEvents'], list) and t['traceEvents'], 'empty trace'
for e in t['traceEvents']:
    assert e['ph'] in ('X', 'i', 'M', 'B', 'E', 'C'), e
for line in open(d + '/events.jsonl'):
    json.loads(line)
" ${WORK}/a RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NAME}: an output is not valid JSON:\n${err}")
  endif()
endif()
file(READ ${WORK}/a/summary.json summary)
string(REGEX MATCH "\"fingerprint\": \"([0-9a-f]+)\"" _ "${summary}")
set(actual ${CMAKE_MATCH_1})
file(STRINGS ${GOLDEN} lines REGEX "^${NAME} ")
if(NOT lines)
  message(FATAL_ERROR "${NAME}: no golden fingerprint in ${GOLDEN} (actual ${actual}); run tests/bless-fingerprints")
endif()
string(REGEX REPLACE "^${NAME} +" "" expected "${lines}")
if(NOT expected STREQUAL actual)
  message(FATAL_ERROR "${NAME}: fingerprint ${actual}, golden ${expected}: the behaviour changed. "
                      "Fix it, or re-bless on purpose with tests/bless-fingerprints")
endif()
