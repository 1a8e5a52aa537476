export const CONSOLE_CSS = ``;
