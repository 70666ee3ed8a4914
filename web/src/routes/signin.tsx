import { Title } from '@solidjs/meta';
import { useSearchParams } from '@solidjs/router';
import { PublicHeader } from '../components/public-header.tsx';

/** Where signed-out visitors of app pages land: one button into the OpenID sign-in. */
export default function SignIn() {
  const [params] = useSearchParams();
  const returnTo = () => {
    const raw = typeof params.return_to === 'string' ? params.return_to : '/dashboard';
    return raw.startsWith('/') && !raw.startsWith('//') ? raw : '/dashboard';
  };
  return (
    <>
      <Title>Sign in · kombify</Title>
      <PublicHeader />
      <main id="main" tabindex="-1" class="marketing narrow">
        <h1>Sign in</h1>
        <p class="lead">Sign in with your organisation's identity provider to reach your dashboard.</p>
        <a
          rel="external"
          class="btn btn-primary btn-lg"
          href={`/auth/signin?return_to=${encodeURIComponent(returnTo())}`}
          data-testid="signin-button"
        >
          Continue to sign-in
        </a>
      </main>
    </>
  );
}
