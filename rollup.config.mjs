// Builds the browser script: dist/public/vakt.js (IIFE, for the script tag) and dist/public/vakt.esm.js
// (ESM, for `import { start } from "vakt/sdk"`). Both are self-contained and minified.
// Also builds dist/reference/fingerprintjs.js: FingerprintJS alone (load + get, monitoring off) with the
// same settings, the yardstick of the script's size budget (FingerprintJS + 6 KB gzipped, checked in
// test/integration/script-size.test.ts). The build prints both gzipped sizes.
// The step-up challenge widget (preact, TSX) is its own file, dist/public/vakt-challenge.js (ESM, imported
// on demand by the script's loader, served as /v1/challenge.js); its gzipped size is printed too.
import { existsSync } from "node:fs";
import { dirname, resolve as resolvePath } from "node:path";
import { gzipSync } from "node:zlib";
import resolve from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";
import esbuild from "rollup-plugin-esbuild";

/** The script's allowance over FingerprintJS alone, gzipped. */
const BUDGET_OVER_REFERENCE_BYTES = 6 * 1024;
const REFERENCE_ID = "\0fingerprintjs-reference";

/** Our TypeScript imports say `./x.js` (NodeNext); point them at `./x.ts` (or `./x.tsx`) when that file exists. */
function tsExtensions() {
  return {
    name: "ts-extensions",
    resolveId(source, importer) {
      if (!importer || !source.startsWith(".") || !source.endsWith(".js")) return null;
      for (const extension of [".ts", ".tsx"]) {
        const candidate = resolvePath(dirname(importer), source.slice(0, -3) + extension);
        if (existsSync(candidate)) return candidate;
      }
      return null;
    },
  };
}

/** FingerprintJS as a page would use it alone: load with monitoring off, get the visitor id. */
function fingerprintjsReference() {
  return {
    name: "fingerprintjs-reference",
    resolveId: (source) => (source === REFERENCE_ID ? REFERENCE_ID : null),
    load: (id) =>
      id === REFERENCE_ID
        ? `import { load } from "@fingerprintjs/fingerprintjs";
           load({ monitoring: false }).then((agent) => agent.get()).then((result) => { document.documentElement.dataset.visitorId = result.visitorId; });`
        : null,
  };
}

const gzipSizes = {};
/** Prints each file's gzipped size (level 9, as the size test measures), and the budget once both are known. */
function reportSize(label) {
  return {
    name: "report-size",
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        gzipSizes[label] = gzipSync(chunk.code, { level: 9 }).length;
        console.log(`${label.padEnd(28)} ${String(chunk.code.length).padStart(6)} bytes, ${String(gzipSizes[label]).padStart(6)} gzipped`);
      }
      const { reference, script } = { reference: gzipSizes["fingerprintjs alone"], script: gzipSizes["vakt.js"] };
      if (label === "vakt.js" && reference !== undefined) {
        const budget = reference + BUDGET_OVER_REFERENCE_BYTES;
        console.log(`size budget                  ${script} of ${budget} bytes gzipped (FingerprintJS alone + ${BUDGET_OVER_REFERENCE_BYTES})${script > budget ? ": OVER BUDGET" : ""}`);
      }
    },
  };
}

/** `ecma`: the widget targets ES2020 (its loader's dynamic import needs it anyway), which keeps `?.` and `??` short. */
const plugins = (isModule, label, ecma = 2019) => [
  tsExtensions(),
  fingerprintjsReference(),
  resolve({ browser: true, extensions: [".ts", ".tsx", ".js"] }),
  esbuild({ target: `es${ecma}`, tsconfig: "tsconfig.json", jsx: "automatic", jsxImportSource: "preact" }),
  terser({ ecma, module: isModule, compress: { passes: 2 }, format: { comments: false } }),
  ...(label ? [reportSize(label)] : []),
];

/** The fraud team's review console (preact, JSX through esbuild): dist/public/console.js, served at /console. */
const consolePlugins = [
  tsExtensions(),
  resolve({ browser: true, extensions: [".ts", ".tsx", ".js"] }),
  esbuild({ target: "es2019", tsconfig: "tsconfig.json", jsx: "automatic", jsxImportSource: "preact" }),
  terser({ ecma: 2019, compress: { passes: 2 }, format: { comments: false } }),
  reportSize("console.js"),
];

export default [
  {
    input: REFERENCE_ID,
    output: { file: "dist/reference/fingerprintjs.js", format: "iife" },
    plugins: plugins(false, "fingerprintjs alone"),
  },
  {
    input: "sdk/iife.ts",
    output: { file: "dist/public/vakt.js", format: "iife" },
    plugins: plugins(false, "vakt.js"),
  },
  {
    input: "sdk/index.ts",
    output: { file: "dist/public/vakt.esm.js", format: "es" },
    plugins: plugins(true),
  },
  {
    input: "widget/console/main.tsx",
    output: { file: "dist/public/console.js", format: "iife" },
    plugins: consolePlugins,
  },
  {
    input: "widget/challenge/index.tsx",
    output: { file: "dist/public/vakt-challenge.js", format: "es" },
    plugins: plugins(true, "vakt-challenge.js", 2020),
  },
];
