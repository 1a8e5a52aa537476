// Builds the browser script: dist/public/vakt.js (IIFE, for the script tag) and dist/public/vakt.esm.js
// (ESM, for `import { start } from "vakt/sdk"`). Both are self-contained and minified.
import { existsSync } from "node:fs";
import { dirname, resolve as resolvePath } from "node:path";
import resolve from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";
import esbuild from "rollup-plugin-esbuild";

/** Our TypeScript imports say `./x.js` (NodeNext); point them at `./x.ts` when that file exists. */
function tsExtensions() {
  return {
    name: "ts-extensions",
    resolveId(source, importer) {
      if (!importer || !source.startsWith(".") || !source.endsWith(".js")) return null;
      const candidate = resolvePath(dirname(importer), source.slice(0, -3) + ".ts");
      return existsSync(candidate) ? candidate : null;
    },
  };
}

const plugins = (isModule) => [
  tsExtensions(),
  resolve({ browser: true, extensions: [".ts", ".js"] }),
  esbuild({ target: "es2019", tsconfig: "tsconfig.json" }),
  terser({ ecma: 2019, module: isModule, compress: { passes: 2 }, format: { comments: false } }),
];

export default [
  {
    input: "sdk/iife.ts",
    output: { file: "dist/public/vakt.js", format: "iife" },
    plugins: plugins(false),
  },
  {
    input: "sdk/index.ts",
    output: { file: "dist/public/vakt.esm.js", format: "es" },
    plugins: plugins(true),
  },
];
