import { useState } from "preact/hooks";
import { api, ApiError, type SessionInfo } from "./api.js";

export function Login({ onLogin }: { onLogin: (session: SessionInfo) => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      onLogin(await api.login(password));
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) setError(`Too many wrong passwords. Try again in ${Math.ceil((err.retryAfterSeconds ?? 60) / 60)} min.`);
      else if (err instanceof ApiError && err.status === 401) setError("Wrong password.");
      else setError(err instanceof Error ? err.message : String(err));
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form onSubmit={submit} aria-describedby="login-error">
        <h1>Vakt review console</h1>
        <input type="text" name="username" autocomplete="username" value="vakt-console" readOnly hidden />
        <label for="password">Console password</label>
        <input id="password" type="password" autocomplete="current-password" autofocus required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" disabled={isBusy}>Log in</button>
        <p id="login-error" class="error" role="alert">{error}</p>
      </form>
    </main>
  );
}
