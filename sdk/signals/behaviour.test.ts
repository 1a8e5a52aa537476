// Behaviour aggregates against stand-in events (trusted or not, as the test says). Real Chromium,
// with real typing, pasting, autofill and pointer movement, is in test/e2e/signals.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchBehaviour, type Behaviour, type BehaviourGroup } from "./behaviour.js";

type Listener = (event: unknown) => void;

class FakeTarget {
  readonly listeners = new Map<string, Listener[]>();
  addEventListener(type: string, listener: Listener, options: { capture: boolean; passive: boolean }): void {
    expect(options).toEqual({ capture: true, passive: true });
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, (this.listeners.get(type) ?? []).filter((l) => l !== listener));
  }
  fire(type: string, event: Record<string, unknown> = {}): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ isTrusted: true, ...event });
  }
}

class FakeInput {
  isAutofilled = false;
  constructor(
    readonly type: string,
    readonly name: string,
  ) {}
  getAttribute(): string | null {
    return null;
  }
  matches(selector: string): boolean {
    if (selector === ":autofill") return this.isAutofilled;
    throw new SyntaxError("unknown selector");
  }
}

let clockMs = 0;
let doc: FakeTarget & { referrer: string; visibilityState: string };
let win: FakeTarget;
let changes: [BehaviourGroup, boolean | undefined][];
let behaviour: Behaviour;

const email = new FakeInput("email", "email");
const phone = new FakeInput("tel", "phone");
const coupon = new FakeInput("text", "coupon");
const at = (ms: number) => (clockMs = ms);
const on = (target: unknown) => ({ composedPath: () => [target] });
const fields = () => behaviour.read(["fields"]).fields!;
const field = (role: string) => fields().find((f) => f.role === role)!;

beforeEach(() => {
  clockMs = 0;
  vi.spyOn(performance, "now").mockImplementation(() => clockMs);
  vi.stubGlobal("HTMLInputElement", FakeInput);
  vi.stubGlobal("HTMLTextAreaElement", class {});
  doc = Object.assign(new FakeTarget(), { referrer: "https://search.example/q?stolen=details", visibilityState: "visible" });
  win = new FakeTarget();
  vi.stubGlobal("document", doc);
  vi.stubGlobal("window", win);
  changes = [];
  behaviour = watchBehaviour(
    (group, isUrgent) => changes.push([group, isUrgent]),
    (listener) => listener,
  );
});
afterEach(() => {
  behaviour.stop();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("fields", () => {
  it("counts typing: a key press, then an insertion; corrections; never a character", () => {
    doc.fire("focusin", on(email));
    for (const key of ["a", "b", "Backspace", "c"]) {
      doc.fire("keydown", { ...on(email), key });
      doc.fire("input", { ...on(email), inputType: key === "Backspace" ? "deleteContentBackward" : "insertText", data: key });
    }
    expect(field("email")).toMatchObject({ role: "email", keys: 4, typed: 3, corrections: 1, pasted: 0, injected: 0, autofilled: 0 });
    expect(JSON.stringify(fields())).not.toMatch(/"a"|"b"|"c"|Backspace/);
  });

  it("tells pasting, autofill, injected text and script-dispatched events apart", () => {
    doc.fire("keydown", { ...on(email), key: "Control" });
    doc.fire("keydown", { ...on(email), key: "v" });
    doc.fire("input", { ...on(email), inputType: "insertFromPaste" });
    // Chrome's autofill: a key-less keydown Event, then an input without inputType while :autofill matches.
    doc.fire("keydown", on(phone));
    phone.isAutofilled = true;
    doc.fire("input", { ...on(phone), inputType: undefined });
    expect(field("email")).toMatchObject({ keys: 2, pasted: 1, typed: 0, autofilled: 0 });
    expect(field("phone")).toMatchObject({ keys: 0, autofilled: 1, pasted: 0, typed: 0 });

    // Playwright's fill: an insertText with no key before it.
    const name = new FakeInput("text", "full_name");
    doc.fire("input", { ...on(name), inputType: "insertText" });
    doc.fire("input", { ...on(name), isTrusted: false, inputType: "insertText" });
    expect(field("name")).toMatchObject({ injected: 1, untrusted: 1, typed: 0 });
    expect(behaviour.read(["page"]).page!.untrusted).toBe(1);
  });

  it("ignores fields without a checkout role", () => {
    doc.fire("focusin", on(coupon));
    doc.fire("keydown", { ...on(coupon), key: "x" });
    doc.fire("input", { ...on(coupon), inputType: "insertText" });
    expect(fields()).toEqual([]);
    expect(behaviour.read(["page"]).page!.keys).toBe(1);
  });

  it("tells focus by Tab from focus by a pointer and from a script, and sums the time focused", () => {
    at(1000);
    doc.fire("keydown", { ...on(coupon), key: "Tab" });
    doc.fire("focusin", on(email));
    at(3000);
    doc.fire("focusout", on(email));
    at(4000);
    doc.fire("pointerdown", { pointerType: "mouse", clientX: 5, clientY: 5 });
    doc.fire("focusin", on(phone));
    at(4500);
    doc.fire("focusout", on(phone));
    at(9000);
    doc.fire("focusin", on(email));
    at(9200);
    expect(field("email")).toMatchObject({ focuses: 2, tabFocuses: 1, pointerFocuses: 0, focusMs: 2200 });
    expect(field("phone")).toMatchObject({ focuses: 1, tabFocuses: 0, pointerFocuses: 1, focusMs: 500 });
  });
});

describe("pointer", () => {
  it("measures approaches: moves, path, straightness and speed; clicks without movement; taps apart", () => {
    at(100);
    doc.fire("pointerdown", { pointerType: "mouse", clientX: 0, clientY: 0 });
    // An L-shaped approach: 30 px right, 40 px down; the straight line is 50 px.
    at(1000);
    doc.fire("pointermove", { pointerType: "mouse", clientX: 0, clientY: 0 });
    at(1100);
    doc.fire("pointermove", { pointerType: "mouse", clientX: 30, clientY: 0 });
    at(1200);
    doc.fire("pointermove", { pointerType: "mouse", clientX: 30, clientY: 40 });
    at(1300);
    doc.fire("pointerdown", { pointerType: "mouse", clientX: 30, clientY: 40 });
    doc.fire("pointerdown", { pointerType: "touch", clientX: 9, clientY: 9 });
    doc.fire("pointermove", { pointerType: "touch", clientX: 90, clientY: 90 });
    doc.fire("pointermove", { isTrusted: false, pointerType: "mouse", clientX: 500, clientY: 500 });
    expect(behaviour.read(["pointer"]).pointer).toEqual({
      moves: 3,
      distancePx: 70,
      clicks: 2,
      stillClicks: 1,
      taps: 1,
      approachMoves: 1.5,
      straightness: 0.714,
      speedPxPerS: 233,
    });
  });
});

describe("page", () => {
  it("keeps the referrer's origin only, and times the first input and the first submit", () => {
    at(700);
    doc.fire("keydown", { ...on(email), key: "a" });
    at(5000);
    doc.fire("submit");
    at(6000);
    doc.fire("submit");
    expect(behaviour.read(["page"]).page).toMatchObject({ referrer: "https://search.example", firstInputMs: 700, submitMs: 5000, submits: 2, keys: 1, onPageMs: 6000 });
    expect(changes.filter(([, isUrgent]) => isUrgent)).toEqual([
      ["page", true],
      ["page", true],
    ]);
  });

  it("counts the page hidden and for how long, but not leaving it", () => {
    at(1000);
    doc.visibilityState = "hidden";
    doc.fire("visibilitychange");
    at(4000);
    doc.visibilityState = "visible";
    doc.fire("visibilitychange");
    at(5000);
    win.fire("pagehide");
    doc.visibilityState = "hidden";
    doc.fire("visibilitychange");
    at(5500);
    expect(behaviour.read(["page"]).page).toMatchObject({ hides: 1, hiddenMs: 3500 });
  });

  it("counts events a script dispatched", () => {
    doc.fire("click", { isTrusted: false });
    doc.fire("keydown", { isTrusted: false, key: "a" });
    doc.fire("pointerdown", { isTrusted: false, pointerType: "mouse" });
    expect(behaviour.read(["page", "pointer"])).toMatchObject({ page: { untrusted: 3, keys: 0, presses: 0 }, pointer: { clicks: 0 } });
  });
});

describe("watching", () => {
  it("reports each change by group, reads only the groups asked for, and stops listening", () => {
    doc.fire("keydown", { ...on(email), key: "a" });
    expect(changes).toEqual([
      ["fields", undefined],
      ["page", undefined],
    ]);
    expect(Object.keys(behaviour.read(["pointer"]))).toEqual(["pointer"]);
    behaviour.stop();
    expect([...doc.listeners.values(), ...win.listeners.values()].flat()).toEqual([]);
  });
});
