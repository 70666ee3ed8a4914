import { MetaProvider, Title } from '@solidjs/meta';
import { Router } from '@solidjs/router';
import { FileRoutes } from '@solidjs/start/router';
import { ErrorBoundary, onMount, Suspense } from 'solid-js';
import './app.css';

export default function App() {
  // Marks the page interactive (hydrated): browser tests and the benchmark wait for it.
  onMount(() => {
    document.body.dataset.ready = 'true';
  });
  return (
    <Router
      root={(props) => (
        <MetaProvider>
          <Title>kombify</Title>
          <ErrorBoundary
            fallback={(err, reset) => (
              <main id="main" class="marketing narrow" role="alert">
                <h1>Something went wrong</h1>
                <p class="lead">{String(err?.message ?? err)}</p>
                <p class="button-row">
                  <button type="button" class="btn btn-primary" onClick={reset}>
                    Try again
                  </button>
                  <a href="/dashboard">Back to the dashboard</a>
                </p>
              </main>
            )}
          >
            <Suspense>{props.children}</Suspense>
          </ErrorBoundary>
        </MetaProvider>
      )}
    >
      <FileRoutes />
    </Router>
  );
}
