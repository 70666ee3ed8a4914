/**
 * The whole product for browser tests, as `npm start` wires it: a local OpenID issuer, the edge
 * (sign-in configured for the web app's origin, Stripe pointed at the local stand-in), the web
 * app, and headless Chromium. The browser only ever talks to the web app's origin.
 */

import type { Browser, Page } from 'playwright-core';
import Stripe from 'stripe';
import { type Issuer, startIssuer } from '../../scripts/lib/oidc-issuer.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { webBuild } from '../../scripts/lib/web-build.ts';
import { launchBrowser } from './browser.ts';
import { type Stack, startStack } from './stack.ts';
import { type StripeStandin, startStripeStandin } from './stripe-standin.ts';
import { startWeb, type WebServer } from './web.ts';
import { watchConsole } from './web-checks.ts';

export const WEBHOOK_SECRET = 'whsec_test_web_0123456789abcdefghijklmnop';
const CLIENT_SECRET = 'web-client-secret-0123456789abcdef';

export interface WebUser {
  sub: string;
  email: string;
  name: string;
  password: string;
}

export interface WebStack {
  stack: Stack;
  issuer: Issuer;
  stripe: StripeStandin;
  web: WebServer;
  browser: Browser;
  /** Signs `user` in through the issuer's login form in a fresh page; resolves on the dashboard. */
  signIn(user: WebUser, page?: Page): Promise<Page>;
  /** Sends a Stripe webhook event to the edge, signed as Stripe would. */
  webhook(event: Record<string, unknown>): Promise<number>;
  stop(): Promise<void>;
}

export async function startWebStack(opts: {
  users: (WebUser & { roles?: string[] })[];
  plan?: 'free' | 'pro' | 'enterprise';
  /** The web server: the production build (default, as npm start) or `vite dev` (as npm run dev). */
  webMode?: 'dev' | 'built';
  /** More edge settings (e.g. KombiSim's node image and SSH ports). */
  vars?: Record<string, string>;
}): Promise<WebStack> {
  // The build first: it is the slowest part and the likeliest to fail, before anything runs.
  if ((opts.webMode ?? 'built') === 'built') await webBuild();
  // What has started, stopped in reverse if a later part fails (nothing is left running).
  const started: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of started.splice(0).reverse()) await stop().catch(() => {});
  };
  try {
    return await startParts(opts, started, stopAll);
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startParts(
  opts: Parameters<typeof startWebStack>[0],
  started: (() => Promise<unknown>)[],
  stopAll: () => Promise<void>,
): Promise<WebStack> {
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const stripe = await startStripeStandin();
  started.push(() => stripe.stop());
  const orgSuffix = `web${Math.random().toString(36).slice(2, 8)}`;
  const issuer = await startIssuer({
    port: await freePort(),
    clients: [],
    // Everyone signs in to the test org (`org_<suffix>`), as an org claim from the issuer says.
    users: opts.users.map((u) => ({ ...u, orgId: orgSuffix, roles: u.roles ?? ['owner'] })),
    webClients: [
      {
        clientId: 'kombify-edge',
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${webUrl}/auth/callback/oidc`],
        postLogoutRedirectUris: [`${webUrl}/`],
      },
    ],
  });
  started.push(() => issuer.stop());
  // The web app forwards the browser's Host, so the edge must be told its own address for what
  // agents dial (the install one-liner, agents in simulated nodes), as npm start does.
  const edgePort = await freePort();
  const stack = await startStack({
    port: edgePort,
    plan: opts.plan ?? 'free',
    orgId: `org_${orgSuffix}`,
    vars: {
      OIDC_ISSUER: issuer.url,
      OIDC_CLIENT_ID: 'kombify-edge',
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_POST_LOGOUT_REDIRECT_URI: `${webUrl}/`,
      SESSION_SECRET: 'web-test-session-secret-0123456789abcdef-0123',
      PUBLIC_WEB_URL: webUrl,
      PUBLIC_EDGE_URL: `http://127.0.0.1:${edgePort}`,
      STRIPE_SECRET_KEY: 'sk_test_web',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
      STRIPE_PRICE_PRO: 'price_pro_monthly',
      STRIPE_PRICE_ENTERPRISE: 'price_enterprise_monthly',
      // Charts need a few heartbeats within a test's lifetime.
      AGENT_HEARTBEAT_SECONDS: '2',
      ...opts.vars,
    },
  });
  started.push(() => stack.stop());
  const web = await startWeb({ edgeUrl: stack.edgeUrl, port: webPort, mode: opts.webMode });
  started.push(() => web.stop());
  const browser = await launchBrowser();
  started.push(() => browser.close());
  const signer = new Stripe('sk_test_signer');

  return {
    stack,
    issuer,
    stripe,
    web,
    browser,
    async signIn(user, page) {
      const p = page ?? (await browser.newPage());
      watchConsole(p);
      await p.goto(`${web.url}/dashboard`);
      await p.waitForURL(/\/signin/);
      await p.locator('body[data-ready="true"]').waitFor();
      await p.getByTestId('signin-button').click();
      await p.waitForURL(/\/interaction\//);
      await p.getByLabel('Email').fill(user.email);
      await p.getByLabel('Password').fill(user.password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      try {
        await p.waitForURL(`${web.url}/dashboard`);
        await p.locator('body[data-ready="true"]').waitFor();
      } catch (error) {
        const text = (
          await p
            .locator('body')
            .textContent()
            .catch(() => '')
        )?.slice(0, 500);
        throw new Error(`sign-in did not land on the dashboard but on ${p.url()}: ${text}`, { cause: error });
      }
      return p;
    },
    async webhook(event) {
      const payload = JSON.stringify(event);
      const signature = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
      const res = await fetch(`${stack.edgeUrl}/api/billing/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      });
      await res.arrayBuffer();
      return res.status;
    },
    stop: stopAll,
  };
}
