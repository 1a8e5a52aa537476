// Server-side HTML with escaping by default: every value interpolated into `html`...`` is
// escaped unless it is itself the result of `html` (already safe markup).

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? "");
  }
  return new SafeHtml(out);
}

/** An attribute written only when it has a value: ` name="value"` or nothing. */
export function attr(name: string, value: string | number | undefined | null): SafeHtml {
  if (value === undefined || value === null || value === "") return new SafeHtml("");
  return html` ${name}="${value}"`;
}

export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Vakt demo shop</title>
<link rel="stylesheet" href="/shop.css">
</head>
<body>
<header class="site"><a href="/" class="brand">Kaffe &amp; Kretsar</a><span class="tag">a Vakt demo shop</span></header>
${body}
<footer class="site">Demo shop for Vakt. Nothing here is for sale and no payment is taken.</footer>
</body>
</html>
`.value;
}
