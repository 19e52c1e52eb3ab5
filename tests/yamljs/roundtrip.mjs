// Open and save front matter as Decap CMS 3.x does (decap-cms-core src/formats/yaml.ts, with the
// `yaml` v1 package it bundles): parse to data, then write the data back with the keys in form
// order. Reads [{front, keys}] as JSON on stdin, prints the written front matters as JSON.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const YAML = require("yaml1");

const timestampTag = {
  identify: (value) => value instanceof Date,
  default: true,
  tag: "!timestamp",
  test: RegExp("^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2}(\\.[0-9]+)?)Z$"),
  resolve: (str) => new Date(str),
  stringify: (value) => value.toISOString(),
};

function roundTrip(front, keys) {
  const data = YAML.parseDocument(front, { customTags: [timestampTag] }).toJSON() || {};
  const contents = YAML.createNode(data);
  contents.items.sort((a, b) => {
    const ia = keys.indexOf(a.key?.toString());
    const ib = keys.indexOf(b.key?.toString());
    return ia === -1 || ib === -1 ? 0 : ia - ib;
  });
  const doc = new YAML.Document();
  doc.contents = contents;
  return doc.toString();
}

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  process.stdout.write(JSON.stringify(JSON.parse(input).map(({ front, keys }) => roundTrip(front, keys))));
});
