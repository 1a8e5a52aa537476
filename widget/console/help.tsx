import { useEffect, useRef } from "preact/hooks";

export const SHORTCUTS: [string, string][] = [
  ["j / ↓", "next attempt in the queue"],
  ["k / ↑", "previous attempt"],
  ["a", "approve the selected attempt (label legit)"],
  ["r", "reject the selected attempt (label fraud)"],
  ["n", "write a note for the next approve or reject"],
  ["Enter", "open the selected attempt on its own page"],
  ["g", "go to the review queue"],
  ["v", "view the overview"],
  ["?", "show or hide these shortcuts"],
  ["Esc", "close this, or leave the note field"],
];

export function Help({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
      <div class="dialog">
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table class="shortcuts">
          <tbody>
            {SHORTCUTS.map(([key, what]) => (
              <tr key={key}>
                <th scope="row"><kbd>{key}</kbd></th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" ref={close} onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
