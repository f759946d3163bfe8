// Entry point: the layout, the route table, and the login guard.

import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import "highlight.js/styles/github.css";
import "./styles.css";
import { api } from "./api";
import { focusMainHeading, match, navigate, useLocation, type Location } from "./router";
import { consumeExpired, getEmail, isLoggedIn, subscribe } from "./session";
import { ForgotPassword, Login, ResetPassword, SignUp, VerifyEmail } from "./pages/auth";
import { BuildPage } from "./pages/build";
import { ProjectPage, Projects } from "./pages/projects";
import { Settings } from "./pages/settings";

const PUBLIC = ["/", "/login", "/signup", "/verify-email", "/forgot-password", "/reset-password"];

function useLoggedIn(): boolean {
  const [loggedIn, setLoggedIn] = useState(isLoggedIn);
  useEffect(() => subscribe(() => setLoggedIn(isLoggedIn())), []);
  return loggedIn;
}

function Page({ location, loggedIn }: { location: Location; loggedIn: boolean }) {
  const path = location.path.replace(/\/+$/, "") || "/";
  switch (path) {
    case "/":
      return loggedIn ? <Projects /> : <Home />;
    case "/login":
      return <Login location={location} />;
    case "/signup":
      return <SignUp />;
    case "/verify-email":
      return <VerifyEmail location={location} />;
    case "/forgot-password":
      return <ForgotPassword />;
    case "/reset-password":
      return <ResetPassword location={location} />;
    case "/projects":
      return <Projects />;
    case "/settings":
      return <Settings />;
  }
  let params = match("/projects/:id", path);
  if (params?.id) return <ProjectPage key={params.id} id={params.id} />;
  params = match("/builds/:id", path);
  if (params?.id) return <BuildPage key={params.id} id={params.id} />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <a href="/">Go home</a>.
      </p>
    </section>
  );
}

function Home() {
  return (
    <section class="hero">
      <h1>Describe an app. Get a working one.</h1>
      <p>
        LaunchForge turns your idea into a structured spec, then into a real FastAPI app whose own
        tests pass, and hands it back as a zip. Use your own LLM key, or none at all with the
        built-in generator.
      </p>
      <p class="actions">
        <a class="button" href="/signup">
          Sign up
        </a>
        <a class="button secondary" href="/login">
          Log in
        </a>
      </p>
    </section>
  );
}

function App() {
  const location = useLocation();
  const loggedIn = useLoggedIn();
  const path = location.path.replace(/\/+$/, "") || "/";
  const needsLogin = !loggedIn && !PUBLIC.includes(path);

  useEffect(() => {
    if (needsLogin) {
      const next = encodeURIComponent(location.path + window.location.search);
      navigate(`/login?next=${next}${consumeExpired() ? "&expired=1" : ""}`, { replace: true });
    }
  }, [needsLogin, location.path]);

  // Route change: focus the new page's heading (and update the title).
  useEffect(() => {
    focusMainHeading();
  }, [location.path]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          LaunchForge
        </a>
        <nav aria-label="Main">
          {loggedIn ? (
            <>
              <a href="/projects" aria-current={path.startsWith("/projects") ? "page" : undefined}>
                Projects
              </a>
              <a href="/settings" aria-current={path === "/settings" ? "page" : undefined}>
                Settings
              </a>
              <span class="muted user" title="Logged in as">
                {getEmail()}
              </span>
              <button
                type="button"
                class="link"
                onClick={() => {
                  void api.logout().then(() => navigate("/login", { replace: true }));
                }}
              >
                Log out
              </button>
            </>
          ) : (
            <>
              <a href="/login">Log in</a>
              <a href="/signup">Sign up</a>
            </>
          )}
        </nav>
      </header>
      <main id="main">{needsLogin ? <p role="status">Redirecting to log in…</p> : <Page location={location} loggedIn={loggedIn} />}</main>
    </>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
