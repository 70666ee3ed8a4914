// @refresh reload
import { createHandler, StartServer } from '@solidjs/start/server';
import { getRequestEvent } from 'solid-js/web';

/** Applies a stored theme choice before first paint, so a dark-theme user never sees a light flash. */
const THEME_SCRIPT =
  "try{var t=localStorage.getItem('kombify-theme');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}";

/** The nonce middleware.ts made for this response: the CSP lets only scripts carrying it run. */
const nonce = () => String(getRequestEvent()?.locals.nonce ?? '');

export default createHandler(
  () => (
    <StartServer
      document={({ assets, children, scripts }) => (
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <meta name="color-scheme" content="light dark" />
            <meta name="description" content="Run your homelab and hybrid infrastructure from the cloud." />
            <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
            <script nonce={nonce()} innerHTML={THEME_SCRIPT} />
            {assets}
          </head>
          <body>
            <div id="app">{children}</div>
            {scripts}
          </body>
        </html>
      )}
    />
  ),
  (event) => ({ nonce: String(event.locals.nonce ?? '') }),
);
