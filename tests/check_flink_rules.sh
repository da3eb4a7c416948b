#!/usr/bin/env bash
# Checks the tables of docs/flink-rules.md against the code: in the "code" column every `file`
# must exist and every `name` after it must occur in that file as a word (for A::b, both A and
# b); in the "pinned by" column every `file` must exist and every "quoted" test case must open a
# string in it. A rename that leaves a row stale fails here. Usage: check_flink_rules.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: check_flink_rules.sh SOURCE_DIR}
doc="$src/docs/flink-rules.md"
[[ -f $doc ]] || { echo "missing $doc"; exit 1; }

problems=0 rows=0 pinned=0
problem() { echo "docs/flink-rules.md:$1: $2"; problems=$((problems + 1)); }

# check_cell LINE CELL KIND: KIND is "code" (names) or "test" (quoted test cases).
check_cell() {
  local line=$1 cell=$2 kind=$3 file="" token text
  while IFS= read -r token; do
    [[ -z $token ]] && continue
    text=${token:1:${#token}-2}
    if [[ $token == \`* && $text == */* ]]; then
      file=$text
      [[ -f $src/$file ]] || { problem "$line" "no file $file"; file=""; }
    elif [[ $token == \`* && $kind == code ]]; then
      if [[ -z $file ]]; then problem "$line" "\`$text\` has no file before it"; continue; fi
      local part
      IFS=: read -r -a parts <<< "${text//::/:}"
      for part in "${parts[@]}"; do
        [[ -z $part ]] && continue
        grep -qw -- "$part" "$src/$file" || problem "$line" "$file has no '$part' (from $text)"
      done
    elif [[ $token == \"* && $kind == test ]]; then
      if [[ -z $file ]]; then problem "$line" "test case \"$text\" has no file before it"; continue; fi
      grep -qF -- "\"$text" "$src/$file" || problem "$line" "$file has no test case \"$text\""
      pinned=$((pinned + 1))
    fi
  done < <(grep -oE '`[^`]+`|"[^"]+"' <<< "$cell")
}

n=0
while IFS= read -r row; do
  n=$((n + 1))
  [[ $row == '|'* ]] || continue
  IFS='|' read -r -a cells <<< "$row"
  # cells[0] is empty (before the first bar); rule, Flink, code, pinned by follow.
  code=${cells[3]:-} test=${cells[4]:-}
  [[ $code =~ ^[[:space:]]*(code|-+)[[:space:]]*$ ]] && continue
  rows=$((rows + 1))
  [[ $code == *\`* ]] || problem "$n" "no code location"
  check_cell "$n" "$code" code
  if [[ $test =~ ^[[:space:]]*—[[:space:]]*$ ]]; then continue; fi
  [[ $test == *\"* ]] || problem "$n" "no test case (write — when none pins the rule)"
  check_cell "$n" "$test" test
done < "$doc"

if ((rows == 0)); then echo "docs/flink-rules.md: no table rows found"; exit 1; fi
if ((problems > 0)); then echo "$problems stale entries in docs/flink-rules.md"; exit 1; fi
echo "docs/flink-rules.md: $rows rules, $pinned test cases, every name found"
