/** Help texts: `stackkit --help` and `stackkit <command> --help` (also `stackkit help <command>`). */
import type { CommandName } from './args.ts';

const globalOptions = `Global options:
  -C, --chdir <dir>    run as if started in <dir>
  -s, --spec <file>    the spec (default kombination.yaml)
  -q, --quiet          only errors and results; no progress
  -v, --verbose        more detail: commands run, the tool's own output
      --json           one JSON document on stdout (every command)
      --no-color       no colours (also: NO_COLOR=1; colours only ever on a terminal)
  -h, --help           help for stackkit or a command`;

const exitCodes = `Exit codes: 0 success, 1 invalid input or a failed step, 2 usage error
(unknown command or option, missing argument, a confirmation needed without a terminal),
130 interrupted.`;

export const mainUsage = `stackkit — describe a homelab stack once in kombination.yaml, check it, turn it into OpenTofu

Usage: stackkit <command> [options]

Commands:
  init <kit>       write a commented starter kombination.yaml for a StackKit
  validate [file]  check a spec; errors as file:line:column code path message
  import <compose> turn docker-compose file(s) into kombination.yaml (added to it when it exists)
  apps             the catalog of homelab apps
  add <app>        add a catalog app to the spec, with generated secrets
  prepare          validate, resolve and check this machine (Docker, OpenTofu, free ports)
  generate         write the OpenTofu files, plan.json and jobs.json to deploy/
  plan             generate, then tofu init + plan (or ask the edge for a dry run)
  apply            generate, plan, confirm, apply (--auto-approve skips the question)
  destroy          plan the destruction, confirm, apply it
  status           what the spec describes, what is in deploy/, the state's resources
  secret <action>  the org's secret store on the edge: set (value from stdin), list, rm
  version          the CLI's version
  help [command]   this help, or a command's

${globalOptions}

${exitCodes}
`;

const tofuCommon = `      --output <dir>        deployment directory (default deploy)
      --plugin-dir <dir>    install providers only from <dir> (tofu init -plugin-dir)
      --init-timeout <s>    stop tofu init after <s> seconds (default 120)
      --edge <url>          run on the kombify edge instead (env KOMBIFY_EDGE_URL)
      --token <token>       API token for the edge (env KOMBIFY_TOKEN)`;

const imageFlags = `      --mirror <registry>   pull every image through this registry mirror
      --image <svc=ref>     use exactly this image for a service (repeatable; not mirrored)`;

const tofuNote = `Runs \`tofu\` (else \`terraform\`) in the deployment directory with -input=false. The
kreuzwerker/docker provider is installed by \`tofu init\` from the registry; offline, give a
provider mirror through TF_CLI_CONFIG_FILE or --plugin-dir. Secrets (environmentSecrets) are
sensitive variables: set TF_VAR_<name> or write <dir>/secrets.auto.tfvars.json.`;

export const commandUsage: Record<CommandName, string> = {
  init: `Usage: stackkit init <kit> [--variant <v>] [--name <stack>] [--output <file>] [--force]

Writes a commented, valid starter spec for a StackKit (base-homelab, modern-homelab, ha-homelab).
Without <kit> it lists the kits and exits 2.

      --variant <v>    the kit's variant (default: the kit's default)
      --name <stack>   stack name (default: from the directory name, else homelab)
  -o, --output <file>  where to write (default: --spec, i.e. kombination.yaml)
      --force          overwrite an existing file (otherwise refused, exit 1)
`,
  validate: `Usage: stackkit validate [file]

Checks a spec (default: --spec, i.e. kombination.yaml). Every problem is one line:
  file:line:column code path message
Exit 0 when valid, 1 when not. --json prints {valid, file, errors: [{path, code, message, line, column}]}.
`,
  import: `Usage: stackkit import <compose.yml> [-f more.yml]... [--env-file <f>] [--profile <p>]...
                       [--kit <kit>] [--node <name>] [-o kombination.yaml]

Turns docker-compose file(s) into kombination.yaml services. The file is checked against the
Compose Specification, \${VAR} is read from .env (next to the first file, or --env-file), several
files merge as \`docker compose -f a -f b\` merges them. Every warning and error is one line:
  file:line:column warning|error code path message
The output file (default --spec, i.e. kombination.yaml) is added to when it exists, names kept
unique. Values that look like secrets become secret:// references; their values go to
deploy/secrets.auto.tfvars.json (mode 0600), never into the spec.
Exit 0 when a valid spec was written (warnings allowed), 1 when not (nothing is written).

  -f, --file <f>       another compose file, merged after the first (repeatable)
      --env-file <f>   the variables for \${VAR} (default .env beside the first file)
      --profile <p>    activate a compose profile (repeatable; default COMPOSE_PROFILES)
      --kit <kit>      the StackKit for a new spec (base-homelab, modern-homelab, ha-homelab)
      --node <name>    run the services on this node
  -o, --output <file>  the spec to write or add to
--json prints {ok, file, spec, services, secrets, warnings, errors}.
`,
  apps: `Usage: stackkit apps [--json]

Lists the catalog of homelab apps: name, category, kits, description. --json gives each app's
definition (services, images, volumes, secrets, route, minimum resources, upstream).
`,
  add: `Usage: stackkit add <app> [--node <name>] [-o kombination.yaml]

Adds a catalog app to the spec (a new one when the file does not exist). Its secrets are
generated now: the spec holds secret:// references, the values go to
deploy/secrets.auto.tfvars.json (mode 0600). Exit 1 when the result would not be valid.

      --node <name>    run the app on this node
  -o, --output <file>  the spec to add to (default --spec, i.e. kombination.yaml)
`,
  prepare: `Usage: stackkit prepare

Validates and resolves the spec, then checks this machine as the deployment target:
  docker_version   Docker answers on DOCKER_HOST or /var/run/docker.sock (for nodes without ssh)
  tofu_version     tofu, else terraform, is installed (>= 1.6)
  port_available   each host port the plan publishes on this machine can be bound now
  ssh_reachable    each node with ssh answers on its SSH port
  disk_space, ram_available   this machine against the node's declared resources (warnings)
Each check is passed, failed, warning or skipped. Exit 1 when any check failed.
`,
  generate: `Usage: stackkit generate [--output <dir>] [--mirror <registry>] [--image <svc=ref>]...

Writes main.tf.json (+ variables.tf.json with secrets), plan.json, jobs.json and
.stackkit-manifest.json to <dir> (default deploy). Idempotent: unchanged files are not rewritten,
files an earlier run wrote that are no longer produced are removed.

      --output <dir>        deployment directory (default deploy)
${imageFlags}
`,
  plan: `Usage: stackkit plan [options]

Generates, then runs tofu init and tofu plan. Exit 0 also when there are changes to make.

${tofuCommon}
${imageFlags}

With --edge the spec is sent to POST <edge>/v1/orchestrator/stacks and a dry run is asked for
(POST /stacks/{id}/provision with dry_run).

${tofuNote}
`,
  apply: `Usage: stackkit apply [--auto-approve] [options]

Generates, runs tofu init and tofu plan, asks you to type yes, then applies exactly that plan.
Without a terminal, --auto-approve is required (exit 2 otherwise).

      --auto-approve        do not ask
${tofuCommon}
${imageFlags}

With --edge: POST /v1/orchestrator/stacks then /stacks/{id}/deploy.

${tofuNote}
`,
  destroy: `Usage: stackkit destroy [--auto-approve] [options]

Plans the destruction of everything in the state of the deployment directory, asks you to type
yes, then applies it. Without a terminal, --auto-approve is required (exit 2 otherwise).
Uses the files already in the deployment directory (it does not regenerate them).

      --auto-approve        do not ask
${tofuCommon}

With --edge: POST /v1/orchestrator/stacks then /stacks/{id}/destroy.
`,
  status: `Usage: stackkit status [--output <dir>] [--json]

Shows the spec's stack (kit, variant, nodes, services and their URLs), what is in the deployment
directory (and whether it still matches the spec) and, when a state file exists, its resources
and outputs. Exit 1 when the spec is missing or invalid (the rest is still shown).
`,
  secret: `Usage: stackkit secret set <path> [--generate [--length N]] | list | rm <path>  --edge <url> --token <t>

The org's secret store on the kombify edge: what a spec's secret://<path> names. Values are
write-only: nothing here (nor the edge) ever shows one.

  set <path>       store a value, read from stdin: piped, everything up to the end minus one
                   trailing newline; on a terminal, one line typed without echo. Never give the
                   value as an argument (shell history, ps): that is refused.
                     printf '%s' "$PW" | stackkit secret set postgres/password
                     stackkit secret set postgres/password < pw.txt
  set <path> --generate [--length N]
                   the edge stores a random value (N characters, default 32, 8 to 1024)
  list             path, version, last update and by whom (--json: {ok, secrets})
  rm <path>        delete the secret

A path is segments of letters, digits, ".", "_", "-" joined by "/" (postgres/password); it is
checked before anything is sent. set and rm need an operator (admin, owner) token; list a member's.

      --edge <url>          the kombify edge (env KOMBIFY_EDGE_URL; required)
      --token <token>       API token for the edge (env KOMBIFY_TOKEN)
      --generate            set: let the edge make the value
      --length <n>          set --generate: the value's length

--json prints {ok, secret, created, generated} for set and {ok, removed} for rm. A refusal names
the HTTP status, the edge's error code and message and the fields it objects to (exit 1).
`,
  version: `Usage: stackkit version [--json]

Prints the CLI's version; --json adds Node's version, the plan formats and the kits.
`,
  help: `Usage: stackkit help [command]
`,
};

export function usageFor(command: CommandName | undefined): string {
  if (!command || command === 'help') return mainUsage;
  return `${commandUsage[command]}\n${globalOptions}\n\n${exitCodes}\n`;
}
