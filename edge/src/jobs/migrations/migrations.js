import journal from './meta/_journal.json';
import m0000 from './0000_baseline.sql';
import m0001 from './0001_notice_outbox.sql';
import m0002 from './0002_notices_for_old_origins.sql';
import m0003 from './0003_lease_secret_grant.sql';
import m0004 from './0004_job_origin.sql';

  export default {
    journal,
    migrations: {
      m0000,
m0001,
m0002,
m0003,
m0004
    }
  }
  