// Read a JSON list of plain scalars from stdin; print how each npm `yaml` parser reads each one.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const parsers = { yaml1: require("yaml1"), yaml2: require("yaml2") };
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const out = {};
  for (const [name, YAML] of Object.entries(parsers)) {
    out[name] = JSON.parse(input).map((text) => {
      const value = YAML.parse(`k: ${text}\n`).k;
      if (typeof value === "number" && !Number.isFinite(value)) return { special: String(value) };
      return { type: value === null ? "null" : typeof value, value };
    });
  }
  process.stdout.write(JSON.stringify(out));
});
