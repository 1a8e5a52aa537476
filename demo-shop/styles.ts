// Served as GET /shop.css. Kept in a module (not a .css file) so that the compiled shop in
// dist/ needs no copy step; the CSP forbids inline styles, so all styling lives here.

export const SHOP_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f5f6f8}
a{color:#1f5fbf}
header.site,footer.site{padding:.9rem 1.5rem;background:#1d2330;color:#fff;display:flex;gap:1rem;align-items:baseline}
header.site .brand{color:#fff;font-weight:700;text-decoration:none;font-size:1.15rem}
header.site .tag{color:#aab3c5;font-size:.85rem}
footer.site{background:none;color:#6b7383;font-size:.8rem;justify-content:center}
main{max-width:60rem;margin:2rem auto;padding:0 1.5rem}
h1{font-size:1.6rem;margin:0 0 1rem}
.products{list-style:none;padding:0;margin:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr))}
.product,.panel{background:#fff;border:1px solid #e0e3ea;border-radius:.6rem;padding:1.1rem}
.product{display:flex;flex-direction:column}
.product .button{margin-top:auto;align-self:flex-start}
.product .price{margin-bottom:.8rem}
.product h2{font-size:1.05rem;margin:0 0 .25rem}
.product p{margin:.25rem 0;color:#4a5264;font-size:.9rem}
.category{text-transform:uppercase;letter-spacing:.06em;font-size:.7rem;color:#6b7383}
.price{font-weight:700;font-size:1.1rem;color:#1d2330}
.button,button{display:inline-block;margin-top:.6rem;padding:.55rem 1rem;border:0;border-radius:.4rem;background:#1f5fbf;color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button:hover,button:hover{background:#174a96}
.checkout{display:grid;gap:1.5rem;grid-template-columns:minmax(0,1fr) minmax(0,2fr)}
@media (max-width:44rem){.checkout{grid-template-columns:1fr}}
form .field{display:flex;flex-direction:column;margin-bottom:.8rem}
form label{font-size:.85rem;font-weight:600;margin-bottom:.2rem}
form input,form select{font:inherit;padding:.45rem .6rem;border:1px solid #c4c9d4;border-radius:.35rem;background:#fff}
form input:focus,form select:focus{outline:2px solid #1f5fbf;outline-offset:1px}
.row{display:grid;gap:.8rem;grid-template-columns:1fr 2fr}
.errors{background:#fdecec;border:1px solid #f0b4b4;color:#8a1c1c;border-radius:.4rem;padding:.6rem 1rem;margin-bottom:1rem}
.errors ul{margin:.3rem 0 0;padding-left:1.2rem}
.result{border-left:6px solid #6b7383}
.result[data-decision="allow"]{border-left-color:#2e8b57}
.result[data-decision="challenge"]{border-left-color:#d9a400}
.result[data-decision="review"]{border-left-color:#1f5fbf}
.result[data-decision="deny"]{border-left-color:#c0392b}
.summary{margin:1rem 0;color:#4a5264}
.demo-debug{margin-top:1.5rem;font-size:.85rem;background:#f0f2f6;border:1px dashed #b8bfcc;border-radius:.4rem;padding:.5rem .9rem}
.demo-debug summary{cursor:pointer;font-weight:600}
.demo-debug dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.6rem 0}
.demo-debug dt{color:#6b7383}
.demo-debug dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.reason{margin:.2rem 0}
.severity{display:inline-block;min-width:4.5rem;font-size:.75rem;text-transform:uppercase;font-weight:700}
.reason[data-severity="high"] .severity{color:#c0392b}
.reason[data-severity="medium"] .severity{color:#b07d00}
.reason[data-severity="low"] .severity{color:#4a5264}
.challenge{margin:1.2rem 0;--vakt-accent:#1f5fbf;--vakt-radius:.4rem}
.demo-note{font-size:.85rem;color:#4a5264}
.inbox{padding-left:1.2rem}
.inbox pre{white-space:pre-wrap;background:#f0f2f6;padding:.5rem .8rem;border-radius:.3rem}
`.trimStart();
