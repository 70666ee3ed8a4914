import { Title } from '@solidjs/meta';
import { A } from '@solidjs/router';
import { HttpStatusCode } from '@solidjs/start';
import { PublicHeader } from '../components/public-header.tsx';

export default function NotFound() {
  return (
    <>
      <Title>Not found · kombify</Title>
      <HttpStatusCode code={404} />
      <PublicHeader />
      <main id="main" tabindex="-1" class="marketing narrow">
        <h1>Page not found</h1>
        <p class="lead">
          There is nothing here. Go to the <A href="/">home page</A> or your{' '}
          <A href="/dashboard">dashboard</A>.
        </p>
      </main>
    </>
  );
}
