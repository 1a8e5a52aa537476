import { CONSOLE_CSS } from "./styles.js";

/**
 * Headers on every console response, set here so the console is safe whatever the collector adds
 * globally: no inline script or style, nothing but same-origin calls, never framed.
 */
export const CONSOLE_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

export const CONSOLE_SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Vakt review console</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console.js" defer></script>
</head>
<body>
<div id="app"><noscript>The review console needs JavaScript.</noscript></div>
</body>
</html>
`;

export const CONSOLE_OFF_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Vakt review console is off</title></head>
<body>
<h1>The review console is off</h1>
<p>Set <code>console.password</code> (at least 8 characters) in the collector's config file and restart it.</p>
</body>
</html>
`;

export { CONSOLE_CSS };
