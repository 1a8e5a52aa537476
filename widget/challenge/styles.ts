/**
 * The widget's look, inside its shadow root so the page's CSS cannot break it. Themed from outside
 * through CSS custom properties, which cross the shadow boundary (set them on the container or :root).
 */
export const CSS = `
:host{display:block;font-family:var(--vakt-font,inherit);color:var(--vakt-text,#1f2328);line-height:1.5}
.box{background:var(--vakt-bg,#fff);border:1px solid var(--vakt-border,#d0d7de);border-radius:var(--vakt-radius,10px);padding:var(--vakt-padding,1.25em);max-width:28em}
.title{font-size:1.2em;margin:0 0 .5em}
.status{margin:0 0 .75em;color:var(--vakt-muted,#57606a)}
.status:empty{display:none}
.status.passed{color:var(--vakt-success,#1a7f37);font-weight:600}
.status:focus{outline:0}
fieldset{border:0;margin:0 0 1em;padding:0}
legend{padding:0;margin-bottom:.5em}
.option{display:flex;gap:.5em;align-items:center;padding:.5em .25em;cursor:pointer}
label{display:block}
input[type=radio]{accent-color:var(--vakt-accent,#0b57d0);width:1.1em;height:1.1em;margin:0}
.code{font:inherit;font-size:1.5em;letter-spacing:.3em;width:8em;padding:.3em .5em;margin:.25em 0 .75em;border:1px solid var(--vakt-border,#d0d7de);border-radius:var(--vakt-radius,10px);background:var(--vakt-input-bg,#fff);color:inherit}
.code[aria-invalid=true]{border-color:var(--vakt-error,#b3261e)}
button{font:inherit;cursor:pointer}
button:disabled{cursor:default;opacity:.6}
.primary{display:block;background:var(--vakt-accent,#0b57d0);color:var(--vakt-accent-text,#fff);border:0;border-radius:var(--vakt-radius,10px);padding:.6em 1.4em;font-weight:600}
.link{background:none;border:0;padding:.25em 0;color:var(--vakt-accent,#0b57d0);text-decoration:underline}
.more{display:flex;flex-wrap:wrap;gap:1.25em;margin-top:.75em}
:focus-visible{outline:3px solid var(--vakt-focus,var(--vakt-accent,#0b57d0));outline-offset:2px}
.error{color:var(--vakt-error,#b3261e);margin:.5em 0 0;font-weight:600}
.error:empty{display:none}
`;
