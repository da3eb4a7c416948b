#!/usr/bin/env bash
# The repository stands alone: no tracked file (but the fuzz corpus and the golden files) points
# at documents outside it, and every relative Markdown link (and its #anchor, for a link into a
# Markdown file) reaches something that exists. Usage: check_stand_alone.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: check_stand_alone.sh SOURCE_DIR}
cd "$src" || exit 1

# The tracked files; outside a git checkout (an unpacked release), every file but build trees.
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  mapfile -t files < <(git ls-files)
else
  mapfile -t files < <(find . -path ./.git -prune -o -path './build*' -prune -o -type f -print | sed 's|^\./||' | sort)
fi
keep=()
for f in "${files[@]}"; do
  case $f in tests/fuzz/corpus/* | tests/golden/*) continue ;; esac
  [[ -f $f ]] && keep+=("$f")
done

problems=0
problem() { echo "$1"; problems=$((problems + 1)); }

# Written in pieces, so that this file does not match itself.
outside=('\.\./sha''red' 'SP''EC\.md' 'SP''EC section' 'SP''EC §' 'DES''IGN\.md' 'refer''ence/flink-')
pattern=$(IFS='|'; echo "${outside[*]}")
while IFS= read -r hit; do
  problem "$hit: points outside the repository (cite docs/ instead)"
done < <(grep -nIE -- "$pattern" "${keep[@]}" 2> /dev/null)

# GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens, -N for
# repeats. Prints one anchor per line.
anchors() {
  awk '
    /^```/ { fence = !fence; next }
    fence || !/^#+ / { next }
    {
      h = $0; sub(/^#+ +/, "", h); sub(/ +#* *$/, "", h)
      h = tolower(h)
      gsub(/[][!"#$%&'\''()*+,.\/:;<=>?@\\^`{|}~]/, "", h)
      gsub(/ /, "-", h)
      n = seen[h]++
      print (n ? h "-" n : h)
    }' "$1"
}

markdown=()
for f in "${keep[@]}"; do [[ $f == *.md ]] && markdown+=("$f"); done
checked=0
for md in "${markdown[@]}"; do
  dir=$(dirname "$md")
  # Inline links outside fenced code: ](target) and ](target "title").
  while IFS=$'\t' read -r line target; do
    case $target in http://* | https://* | mailto:*) continue ;; esac
    checked=$((checked + 1))
    path=${target%%#*} anchor=""
    [[ $target == *#* ]] && anchor=${target#*#}
    if [[ -z $path ]]; then resolved=$md; else resolved=$dir/$path; fi
    if [[ ! -e $resolved ]]; then
      problem "$md:$line: link to $target: no such file"
    elif [[ -n $anchor && $resolved == *.md ]] && ! anchors "$resolved" | grep -qxF -- "$anchor"; then
      problem "$md:$line: link to $target: no heading with that anchor"
    fi
  done < <(awk '
      /^```/ { fence = !fence; next }
      fence { next }
      {
        s = $0
        while (match(s, /\]\([^)[:space:]]+( "[^"]*")?\)/)) {
          t = substr(s, RSTART + 2, RLENGTH - 3); sub(/ ".*$/, "", t)
          print NR "\t" t
          s = substr(s, RSTART + RLENGTH)
        }
      }' "$md")
done

if ((problems > 0)); then echo "$problems problems: the repository does not stand alone"; exit 1; fi
echo "${#keep[@]} files point nowhere outside the repository; $checked relative links in ${#markdown[@]} Markdown files resolve"
