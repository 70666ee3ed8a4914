/**
 * The app catalog: one reviewed definition per folder (apps/<app>/app.ts). A test checks that
 * every folder is listed here, so an app cannot be added without being loaded and checked.
 */
import type { AppDefinitionInput } from '../src/apps/schema.ts';
import { app as actual } from './actual/app.ts';
import { app as adguardHome } from './adguard-home/app.ts';
import { app as audiobookshelf } from './audiobookshelf/app.ts';
import { app as bazarr } from './bazarr/app.ts';
import { app as calibreWeb } from './calibre-web/app.ts';
import { app as changedetection } from './changedetection/app.ts';
import { app as codeServer } from './code-server/app.ts';
import { app as dashy } from './dashy/app.ts';
import { app as esphome } from './esphome/app.ts';
import { app as filebrowser } from './filebrowser/app.ts';
import { app as fireflyIii } from './firefly-iii/app.ts';
import { app as forgejo } from './forgejo/app.ts';
import { app as freshrss } from './freshrss/app.ts';
import { app as gatus } from './gatus/app.ts';
import { app as ghost } from './ghost/app.ts';
import { app as gitea } from './gitea/app.ts';
import { app as glance } from './glance/app.ts';
import { app as gotify } from './gotify/app.ts';
import { app as hedgedoc } from './hedgedoc/app.ts';
import { app as homarr } from './homarr/app.ts';
import { app as homeAssistant } from './home-assistant/app.ts';
import { app as homepage } from './homepage/app.ts';
import { app as immich } from './immich/app.ts';
import { app as influxdb } from './influxdb/app.ts';
import { app as itTools } from './it-tools/app.ts';
import { app as jellyfin } from './jellyfin/app.ts';
import { app as jellyseerr } from './jellyseerr/app.ts';
import { app as kavita } from './kavita/app.ts';
import { app as lidarr } from './lidarr/app.ts';
import { app as linkding } from './linkding/app.ts';
import { app as loki } from './loki/app.ts';
import { app as mailpit } from './mailpit/app.ts';
import { app as mealie } from './mealie/app.ts';
import { app as memos } from './memos/app.ts';
import { app as minio } from './minio/app.ts';
import { app as mosquitto } from './mosquitto/app.ts';
import { app as n8n } from './n8n/app.ts';
import { app as navidrome } from './navidrome/app.ts';
import { app as nextcloud } from './nextcloud/app.ts';
import { app as nodeExporter } from './node-exporter/app.ts';
import { app as nodeRed } from './node-red/app.ts';
import { app as ntfy } from './ntfy/app.ts';
import { app as paperlessNgx } from './paperless-ngx/app.ts';
import { app as photoprism } from './photoprism/app.ts';
import { app as pihole } from './pihole/app.ts';
import { app as privatebin } from './privatebin/app.ts';
import { app as prowlarr } from './prowlarr/app.ts';
import { app as qbittorrent } from './qbittorrent/app.ts';
import { app as radarr } from './radarr/app.ts';
import { app as registry } from './registry/app.ts';
import { app as sonarr } from './sonarr/app.ts';
import { app as speedtestTracker } from './speedtest-tracker/app.ts';
import { app as stirlingPdf } from './stirling-pdf/app.ts';
import { app as synapse } from './synapse/app.ts';
import { app as syncthing } from './syncthing/app.ts';
import { app as tandoor } from './tandoor/app.ts';
import { app as transmission } from './transmission/app.ts';
import { app as trilium } from './trilium/app.ts';
import { app as vaultwarden } from './vaultwarden/app.ts';
import { app as vikunja } from './vikunja/app.ts';
import { app as wallabag } from './wallabag/app.ts';
import { app as wikijs } from './wikijs/app.ts';
import { app as wordpress } from './wordpress/app.ts';

/** Every app definition, in catalog order. */
export const appDefinitions: readonly AppDefinitionInput[] = [
  jellyfin,
  navidrome,
  audiobookshelf,
  sonarr,
  radarr,
  prowlarr,
  bazarr,
  lidarr,
  jellyseerr,
  qbittorrent,
  transmission,
  calibreWeb,
  kavita,
  immich,
  photoprism,
  nextcloud,
  filebrowser,
  syncthing,
  paperlessNgx,
  vaultwarden,
  homeAssistant,
  nodeRed,
  mosquitto,
  esphome,
  pihole,
  adguardHome,
  homepage,
  homarr,
  dashy,
  glance,
  gatus,
  loki,
  nodeExporter,
  influxdb,
  changedetection,
  speedtestTracker,
  gitea,
  forgejo,
  codeServer,
  n8n,
  registry,
  itTools,
  memos,
  trilium,
  hedgedoc,
  wikijs,
  vikunja,
  stirlingPdf,
  freshrss,
  linkding,
  wallabag,
  mealie,
  tandoor,
  actual,
  fireflyIii,
  ntfy,
  gotify,
  mailpit,
  synapse,
  ghost,
  wordpress,
  privatebin,
  minio,
];
