# SPDX-License-Identifier: MIT
#
# shape-diff.jq: compare the JSON *shape* of graphsim's answer (input) with
# a documented example ($ex, via --slurpfile ex FILE), as the contract in
# ../shared/api-examples/README.md asks: the same key set (case sensitive)
# and the same JSON type per key, recursively. Values may differ.
#   - null on either side matches any type: the docs' own examples give
#     the same property as null in one element and a string in the next
#     (users.GET: givenName), so null says nothing about the type.
#   - arrays: an empty array on either side matches; otherwise every
#     element of the answer must match some element of the example (each
#     documented element is a valid shape), and when none does the
#     differences from the first example element are reported.
# Output: one line per difference, "PATH<TAB>what", nothing when equal.
def diffs($e; $a; $p):
  if $e == null or $a == null then empty
  elif ($e | type) != ($a | type) then
    "\($p)\ttype \($e | type) in the example, \($a | type) in graphsim"
  elif ($e | type) == "object" then
    (($e | keys) - ($a | keys) | .[] | "\($p).\(.)\tmissing in graphsim"),
    (($a | keys) - ($e | keys) | .[] | "\($p).\(.)\tnot in the example"),
    ($e | keys[] as $k | select($a | has($k)) |
      diffs($e[$k]; $a[$k]; "\($p).\($k)"))
  elif ($e | type) == "array" then
    if ($e | length) == 0 or ($a | length) == 0 then empty
    else
      range(0; $a | length) as $i | $a[$i] as $x |
      if any($e[]; [diffs(.; $x; "")] == []) then empty
      else diffs($e[0]; $x; "\($p)[\($i)]") end
    end
  else empty end;
diffs($ex[0]; .; "")
