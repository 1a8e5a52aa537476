import { benchFirstToken } from "./first-token.js";

/** `npm run bench` prints the results; `npm run bench -- --json` prints one JSON object. */
const asJson = process.argv.includes("--json");
const firstToken = await benchFirstToken(5);
if (asJson) {
  console.log(JSON.stringify({ firstToken }));
} else {
  const { scriptBytes, medianFirstTokenMs, medianFingerprintMs, firstTokenMs, fingerprintMs } = firstToken;
  console.log(`script /v1/vakt.js      ${scriptBytes.min} bytes minified, ${scriptBytes.gzip} bytes gzip -9`);
  console.log(`first token (headless)  median ${medianFirstTokenMs} ms over ${firstTokenMs.length} loads [${firstTokenMs.join(", ")}]`);
  console.log(`FingerprintJS visitor   median ${medianFingerprintMs} ms over the same loads [${fingerprintMs.join(", ")}]`);
}
