"""Build the national data set of issue 13 on PostgreSQL, for bench/national_load.py.

    .venv/bin/python bench/national_data.py                 # the issue's sizes (about ten minutes)
    .venv/bin/python bench/national_data.py --small         # a quick check
    .venv/bin/python bench/national_data.py --help

18 regions, ~135 GHTs, 3,000 establishments (legal entities and their sites, valid FINESS numbers),
1,000,000 exposure findings spread over their scopes, 200,000 PAQ actions, 10 years of exposure and
Active Directory audits, self-assessments, exercises and restore tests, some funding declarations and
backup plans, and four users (`bench-national`, `bench-ars`, `bench-ght`, `bench-rssi`) with a TOTP
device each. It then runs the steering refresh so Summary and Trend rows exist.

Rows are written by `INSERT … SELECT` over `generate_series` inside PostgreSQL (the organisation tree by
`bulk_create`), with the big tables' secondary indexes dropped during the load and built once after it.
The database is its own (`vigie_national` by default), created when missing; an existing one is only
replaced with `--replace`.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vigie_national"
USERS = {  # username: (role, which node)
    "bench-national": ("ADMIN", "national"),
    "bench-ars": ("READER", "region"),
    "bench-ght": ("MANAGER", "ght"),
    "bench-rssi": ("MANAGER", "establishment"),
}
PASSWORD = "Vigie-bench-2026"
# Departments per region (INSEE codes): FINESS numbers start with the department.
DEPARTMENTS = ["01", "13", "14", "21", "25", "29", "31", "33", "35", "37", "44", "45", "51", "59", "63", "67",
               "69", "75", "76", "80", "86", "87", "2A", "971", "972", "974"]
BIG_TABLES = ("exposure_finding", "actions_action")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("VIGIE_BENCH_DATABASE_URL", DEFAULT_URL),
                        help="PostgreSQL database to build (default %(default)s)")
    parser.add_argument("--replace", action="store_true", help="drop and rebuild the database if it exists")
    parser.add_argument("--regions", type=int, default=18)
    parser.add_argument("--ghts", type=int, default=135)
    parser.add_argument("--establishments", type=int, default=3000,
                        help="legal entities and sites together (default %(default)s)")
    parser.add_argument("--site-share", type=float, default=1 / 3,
                        help="share of the establishments that are sites of a legal entity (default one third)")
    parser.add_argument("--clinic-share", type=float, default=0.2,
                        help="share of the legal entities outside any GHT (private clinics, under their region)")
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--actions", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=10, help="years of audits, assessments and exercises")
    parser.add_argument("--backfill", type=int, default=0, metavar="MONTHS",
                        help="also backfill this many months of trends (steering.services.backfill)")
    parser.add_argument("--no-refresh", action="store_true", help="skip the steering refresh")
    parser.add_argument("--small", action="store_true",
                        help="a quick check: 3 regions, 9 GHTs, 150 establishments, 20,000 findings, "
                             "5,000 actions, 3 years")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    if args.small:
        args.regions, args.ghts, args.establishments = 3, 9, 150
        args.findings, args.actions, args.years = 20_000, 5_000, 3
    if args.ghts < args.regions:
        parser.error("--ghts must be at least --regions (each region has a GHT)")
    return args


# --- database ----------------------------------------------------------------------------------------------


def ensure_database(url: str, replace: bool) -> None:
    """Create the database when missing; an existing one is replaced only when asked."""
    import psycopg
    from psycopg import sql

    base, _sep, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not replace:
            sys.exit(f"database {name} exists: pass --replace to rebuild it, or --database-url for another one")
        if exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["VIGIE_DATABASE_URL"] = url
    os.environ.setdefault("VIGIE_DATA_DIR", "/tmp/vigie-bench-data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def lit(value) -> str:
    """A value as an SQL literal (the inserts are built as text: their `%` are modulo operators)."""
    from django.db import connection
    from psycopg import sql

    connection.ensure_connection()
    return sql.Literal(value).as_string(connection.connection)


def insert(model, source: str, values: dict[str, str]) -> int:
    """INSERT INTO model's table SELECT … FROM `source`: `values` gives the SQL of named columns; the others
    get a new uuid, now() for auto dates, NULL when nullable, else the field's default."""
    from django.db import connection

    columns, exprs = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in values:
            continue
        expr = values.get(field.name, values.get(field.attname))
        if expr is None:
            if field.name == "uuid":
                expr = "gen_random_uuid()"
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                expr = "now()"
            elif field.null:
                continue
            else:
                default = field.get_default()
                if default is None:
                    raise ValueError(f"{model.__name__}.{field.name} needs a value")
                if field.get_internal_type() == "JSONField":
                    expr = lit(json.dumps(default)) + "::jsonb"
                else:
                    expr = lit(default)
        columns.append(connection.ops.quote_name(field.column))
        exprs.append(expr)
    query = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.rowcount


def execute(query: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint: dropped during the load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [table])
        return cursor.fetchall()


class Steps:
    """Prints and keeps how long each step took."""

    def __init__(self):
        self.times: dict[str, float] = {}

    def __call__(self, name: str, function, *args):
        started = time.perf_counter()
        result = function(*args)
        self.times[name] = time.perf_counter() - started
        extra = f" ({result:,} rows)" if isinstance(result, int) else ""
        print(f"  {name:<28} {self.times[name]:7.1f} s{extra}", flush=True)
        return result


# --- the tree ----------------------------------------------------------------------------------------------


def build_tree(args, rng: random.Random) -> dict:
    """National > regions > GHTs > legal entities (some straight under their region) > sites."""
    from vigie.organisations.finess import with_key
    from vigie.organisations.models import Kind, LegalStatus, Organisation

    rows: list[Organisation] = []
    serial = {"next": 1}
    numbers: dict[str, int] = {}

    def node(kind, parent, name, **fields):
        pk = serial["next"]
        serial["next"] += 1
        path = (parent.path if parent else "") + f"{pk:06d}/"
        org = Organisation(pk=pk, kind=kind, parent=parent, path=path, name=name, **fields)
        rows.append(org)
        return org

    def finess(department: str) -> str:
        numbers[department] = numbers.get(department, 0) + 1
        body = department + f"{numbers[department]:0{8 - len(department)}d}"
        return with_key(body)

    national = node(Kind.NATIONAL, None, "France")
    regions = [node(Kind.REGION, national, f"ARS Région {i + 1:02d}", code=f"{11 + i}") for i in range(args.regions)]
    ghts = [node(Kind.GHT, regions[i % args.regions], f"GHT {i + 1:03d}", code=f"GHT-{i + 1:03d}")
            for i in range(args.ghts)]
    sites_wanted = round(args.establishments * args.site_share)
    entities_wanted = args.establishments - sites_wanted
    entities = []
    for i in range(entities_wanted):
        clinic = rng.random() < args.clinic_share and i >= len(ghts)  # every GHT keeps at least one member
        parent = regions[i % args.regions] if clinic else ghts[i % len(ghts)]
        region_index = regions.index(parent) if clinic else ghts.index(parent) % args.regions
        department = DEPARTMENTS[region_index % len(DEPARTMENTS)]
        entities.append(node(
            Kind.LEGAL_ENTITY, parent, f"{'Clinique' if clinic else 'Centre hospitalier'} {i + 1:04d}",
            finess=finess(department),
            legal_status=LegalStatus.PRIVATE_FOR_PROFIT if clinic else LegalStatus.PUBLIC,
            activity_share=None if clinic else round(rng.uniform(2, 40), 2), bed_count=rng.randint(20, 1500)))
    sites = []
    for i in range(sites_wanted):
        entity = entities[i % len(entities)]
        sites.append(node(Kind.SITE, entity, f"{entity.name} — site {i // len(entities) + 1}",
                          finess=finess(entity.finess[:2]), bed_count=rng.randint(10, 400)))
    Organisation.objects.bulk_create(rows, batch_size=2000)
    execute("SELECT setval(pg_get_serial_sequence('organisations_organisation', 'id'), %s)", [serial["next"]])
    # Numbered working tables that the set-based inserts join on: every establishment (entities and sites)
    # and the legal entities alone.
    execute("CREATE TABLE bench_org (n int PRIMARY KEY, id int, entity_id int)")
    execute("CREATE TABLE bench_entity (n int PRIMARY KEY, id int)")
    with_entity = [(o.pk, o.pk if o.kind == Kind.LEGAL_ENTITY else o.parent_id) for o in entities + sites]
    execute("INSERT INTO bench_org SELECT n - 1, id, entity_id FROM unnest(%s::int[], %s::int[]) "
            "WITH ORDINALITY AS t(id, entity_id, n)", [[a for a, _ in with_entity], [b for _, b in with_entity]])
    execute("INSERT INTO bench_entity SELECT n - 1, id FROM unnest(%s::int[]) WITH ORDINALITY AS t(id, n)",
            [[o.pk for o in entities]])
    first_ght = ghts[0]
    member = next(o for o in entities if o.parent_id == first_ght.pk)
    return {"national": national, "region": regions[0], "ght": first_ght, "establishment": member,
            "organisations": len(rows), "entities": len(entities), "sites": len(sites)}


# --- modules -----------------------------------------------------------------------------------------------


def exposure_inventory(args) -> int:
    """Per establishment: an attested domain, a schedule, five hosts, a scan every six months."""
    from vigie.exposure.models import Asset, Scan, Schedule, ScopeEntry

    n = insert(ScopeEntry, "bench_org o", {
        "organisation": "o.id", "kind": "'domain'", "value": "'etab' || o.id || '.sante.example'",
        "attested_by": "'Direction générale'", "attested_function": "'Directeur'",
        "attested_at": "now() - interval '200 days'", "attested_until": "current_date + 365"})
    n += insert(Schedule, "bench_entity e", {"organisation": "e.id", "next_due": "current_date + (e.n % 30)"})
    n += insert(Asset, "bench_org o CROSS JOIN generate_series(0, 4) h", {
        "organisation": "o.id", "kind": "'host'",
        "value": "'10.' || (o.n / 250) % 256 || '.' || o.n % 250 || '.' || (h + 1)",
        "names": "jsonb_build_array('h' || h || '.etab' || o.id || '.sante.example')",
        "first_seen": "now() - interval '9 years'", "last_seen": "now() - (o.n % 30) * interval '1 day'"})
    execute("CREATE TABLE bench_asset AS SELECT o.n, a.id, a.value, "
            "row_number() OVER (PARTITION BY a.organisation_id ORDER BY a.id) - 1 AS h "
            "FROM exposure_asset a JOIN bench_org o ON o.id = a.organisation_id")
    execute("CREATE INDEX ON bench_asset (n, h)")
    n += insert(Scan, f"bench_org o CROSS JOIN generate_series(0, {2 * args.years - 1}) s", {
        "organisation": "o.id", "kind": "'scan'", "source": "'schedule'", "status": "'done'",
        "created_at": "now() - (s * 182 + o.n % 60) * interval '1 day'",
        "started_at": "now() - (s * 182 + o.n % 60) * interval '1 day'",
        "finished_at": "now() - (s * 182 + o.n % 60) * interval '1 day' + interval '20 minutes'",
        "hosts_count": "5", "services_count": "12", "ports_probed": "5000", "findings_count": "40"})
    return n


def exposure_findings(args) -> int:
    """`--findings` findings dealt over every establishment's hosts, statuses and severities mixed."""
    from vigie.exposure.catalogue import catalogue
    from vigie.exposure.models import Finding

    checks = sorted(catalogue().values(), key=lambda c: c.check_id) or None
    if not checks:
        sys.exit("the exposure check catalogue is empty: cannot name findings")
    ids, fr, en = ([getattr(c, a) for c in checks] for a in ("check_id", "title_fr", "title_en"))
    return insert(
        Finding,
        f"generate_series(0, {args.findings - 1}) g JOIN bench_org o ON o.n = g % (SELECT count(*) FROM bench_org) "
        "JOIN bench_asset a ON a.n = o.n AND a.h = (g / (SELECT count(*) FROM bench_org)) % 5",
        {"organisation": "o.id", "asset": "a.id", "identity": "md5(g::text)", "target": "a.value",
         "port": "(ARRAY[22, 80, 443, 445, 3389, 8080, 3306, 5432])[1 + g % 8]",
         "check_id": f"({lit(ids)}::text[])[1 + g % {len(ids)}]",
         "title_fr": f"({lit(fr)}::text[])[1 + g % {len(ids)}]",
         "title_en": f"({lit(en)}::text[])[1 + g % {len(ids)}]", "evidence_key": "'k' || g",
         "severity": "(ARRAY['info','low','medium','medium','high','critical'])[1 + (g * 7) % 6]",
         "evidence": "'Bannière observée sur le service'",
         "status": "(ARRAY['open','open','open','fixed','fixed','fixed','fixed','verified','verified',"
                   "'accepted'])[1 + (g * 13) % 10]",
         "first_seen": "now() - ((g * 31) % 3650) * interval '1 day'",
         "last_seen": "now() - ((g * 31) % 3650) * interval '1 day' / 3",
         "accepted_until": "CASE WHEN (g * 13) % 10 = 9 THEN current_date + (g % 400) - 100 END"},
    )


def exposure_audits(args) -> int:
    from vigie.exposure.models import Audit

    return insert(Audit, f"bench_entity e CROSS JOIN generate_series(0, {4 * args.years - 1}) q", {
        "organisation": "e.id", "title": "'Audit d''exposition T' || (4 - q % 4)", "provider": "'ans'",
        "performed_on": "current_date - (q * 91 + e.n % 45)", "level": "1 + (e.n + q) % 4",
        "counts": """jsonb_build_object('critical', (e.n + q) % 3, 'high', (e.n * 3 + q) % 7, 'medium', 5)"""})


def directory_audits(args) -> int:
    from vigie.directory.models import Audit, Directory

    n = insert(Directory, "bench_entity e", {
        "organisation": "e.id", "name": "'AD ' || e.id", "domain": "'etab' || e.id || '.local'",
        "server": "'dc1.etab' || e.id || '.local'", "port": "636", "next_due": "current_date + (e.n % 90)"}
        if _has_field(Directory, "next_due") else {
        "organisation": "e.id", "name": "'AD ' || e.id", "domain": "'etab' || e.id || '.local'",
        "server": "'dc1.etab' || e.id || '.local'", "port": "636"})
    when = "now() - (q * 91 + e.n % 80) * interval '1 day'"
    n += insert(Audit, f"bench_entity e JOIN directory_directory d ON d.organisation_id = e.id "
                       f"CROSS JOIN generate_series(0, {4 * args.years - 1}) q", {
        "organisation": "e.id", "directory": "d.id", "source": "'schedule'", "status": "'done'",
        "created_at": when, "started_at": when, "finished_at": when + " + interval '15 minutes'",
        "level": "1 + (e.n + q / 4) % 5", "score": "40 + (e.n * 7 + q) % 60", "failing_count": "(e.n + q) % 30",
        "covered_count": "44", "failing_by_level": """jsonb_build_object('1', (e.n + q) % 3, '2', 4)"""})
    return n


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def assessments(args) -> int:
    """A yearly self-assessment (approved, scored) per legal entity."""
    from vigie.compliance.models import Assessment, FrameworkVersion

    version = FrameworkVersion.objects.filter(self_assessment=True).order_by("id").first()
    if version is None:
        return 0
    return insert(Assessment, f"bench_entity e CROSS JOIN generate_series(0, {args.years - 1}) y", {
        "organisation": "e.id", "version": str(version.pk), "status": "'approved'",
        "assessed_on": "make_date(extract(year FROM current_date)::int - y, 3 + e.n % 9, 1 + e.n % 28)",
        "submitted_at": "now() - y * interval '1 year'", "approved_at": "now() - y * interval '1 year'",
        "score": "round((1 + ((e.n * 17 + y * 5) % 200) / 100.0)::numeric, 2)"})


def exercises(args) -> int:
    """A crisis exercise per legal entity and year, most of them declared."""
    from vigie.exercises.models import Exercise

    when = "now() - (y * 365 + e.n % 300) * interval '1 day'"
    return insert(Exercise, f"bench_entity e CROSS JOIN generate_series(0, {args.years - 1}) y", {
        "organisation": "e.id", "title": "'Exercice de crise ' || (extract(year FROM current_date)::int - y)",
        "status": "'ended'", "planned_for": when, "started_at": when, "ended_at": when + " + interval '3 hours'",
        "retex_done_on": f"({when})::date + 30",
        "declared_on": f"CASE WHEN (e.n + y) % 5 <> 0 THEN ({when})::date + 40 END"})


def continuity(args) -> int:
    """Per legal entity: an application and a server component, a backup plan protecting each, and a restore
    test of each plan per year."""
    from vigie.continuity.models import Application, BackupPlan, Component, RestoreTest

    n = insert(Application, "bench_entity e", {"organisation": "e.id", "name": "'Dossier patient'",
                                                "vendor": "'Éditeur ' || e.n % 12"})
    n += insert(Component, "bench_entity e", {"organisation": "e.id", "name": "'Serveurs'", "kind": "'server'"})
    plan = {"organisation": "e.id", "backup_copies": "1 + e.n % 3", "offsite_copies": "e.n % 2",
            "immutable_copy": "(e.n % 3 = 0)", "offline_copy": "(e.n % 4 = 0)", "encrypted": "true",
            "media": """'["disk", "tape"]'::jsonb""", "scope": "'Données et configuration'"}
    n += insert(BackupPlan, "bench_entity e JOIN continuity_application a ON a.organisation_id = e.id",
                {**plan, "name": "'Dossier patient'", "application": "a.id"})
    n += insert(BackupPlan, "bench_entity e JOIN continuity_component c ON c.organisation_id = e.id",
                {**plan, "name": "'Serveurs'", "component": "c.id"})
    n += insert(RestoreTest, f"continuity_backupplan b JOIN bench_entity e ON e.id = b.organisation_id "
                             f"CROSS JOIN generate_series(0, {args.years - 1}) y", {
        "organisation": "e.id", "plan": "b.id", "tested_on": "current_date - (y * 365 + e.n % 200)",
        "scope": "'Restauration complète'", "duration_minutes": "60 + e.n % 300", "success": "(e.n + y) % 7 <> 0"})
    return n


def declarations(args) -> int:
    """A funding declaration for each call by a third of the legal entities, at every workflow step."""
    from vigie.compliance.declarations import ensure_calls
    from vigie.compliance.models import Declaration, FrameworkVersion, FundingCall

    ensure_calls()
    n = 0
    for call in FundingCall.objects.all():
        version = FrameworkVersion.objects.filter(framework__key=call.framework_key).order_by("-id").first()
        if version is None:
            continue
        n += insert(Declaration, "bench_entity e WHERE e.n % 3 = 0", {
            "organisation": "e.id", "call": str(call.pk), "version": str(version.pk),
            "status": "(ARRAY['prepared','submitted','validated','declared','verified','paid'])[1 + e.n % 6]",
            "amount_requested": "10000 + e.n * 10"})
    return n


def actions(args) -> int:
    from vigie.actions.models import Action

    return insert(
        Action,
        f"generate_series(0, {args.actions - 1}) g JOIN bench_org o ON o.n = g % (SELECT count(*) FROM bench_org)",
        {"organisation": "o.id", "title": "'Action du plan ' || g", "source": "'manual'",
         "priority": "(ARRAY['critical','high','medium','medium','low'])[1 + (g * 3) % 5]",
         "status": "(ARRAY['open','open','in_progress','done','done','cancelled'])[1 + (g * 11) % 6]",
         "due": "current_date + ((g * 37) % 1200) - 900",
         "created_at": "now() - ((g * 37) % 3650) * interval '1 day'",
         "updated_at": "now() - ((g * 37) % 365) * interval '1 day'",
         "closed_at": "CASE WHEN (g * 11) % 6 >= 3 THEN now() - ((g * 37) % 365) * interval '1 day' END"},
    )


def users(tree: dict) -> int:
    """The four bench users, their role, a confirmed TOTP device each."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigie.accounts.models import RoleAssignment, User
    from vigie.core.roles import Role

    for username, (role, node) in USERS.items():
        user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@bench.example")
        RoleAssignment.objects.create(user=user, organisation=tree[node], role=Role[role])
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return len(USERS)


def build(args) -> dict:
    from django.core.management import call_command
    from django.db import transaction

    rng = random.Random(args.seed)
    steps = Steps()
    started = time.perf_counter()
    steps("migrate", call_command, "migrate", "--verbosity", "0")
    dropped = {table: secondary_indexes(table) for table in BIG_TABLES}
    for table, indexes in dropped.items():
        for name, _definition in indexes:
            execute(f'DROP INDEX "{name}"')
    with transaction.atomic():
        execute("SET LOCAL session_replication_role = replica")  # no foreign-key triggers while loading
        tree = steps("organisation tree", build_tree, args, rng)
        steps("exposure inventory", exposure_inventory, args)
        steps("exposure findings", exposure_findings, args)
        steps("exposure audits", exposure_audits, args)
        steps("directory audits", directory_audits, args)
        steps("self-assessments", assessments, args)
        steps("exercises", exercises, args)
        steps("backups and restore tests", continuity, args)
        steps("funding declarations", declarations, args)
        steps("PAQ actions", actions, args)
        steps("users", users, tree)
        execute("DROP TABLE bench_org, bench_entity, bench_asset")
    steps("indexes", lambda: [execute(definition) for indexes in dropped.values() for _n, definition in indexes])
    # VACUUM as well: a COUNT over the million findings reads the visibility map only once it is set
    steps("vacuum analyze", execute, "VACUUM ANALYZE")
    loaded = time.perf_counter() - started
    if not args.no_refresh:
        from vigie.steering import services

        steps("steering refresh", services.refresh)
        if args.backfill:
            steps(f"steering backfill ({args.backfill} months)", services.backfill, args.backfill)
    return {"tree": tree, "times": steps.times, "loaded": loaded, "total": time.perf_counter() - started}


def main(argv=None) -> None:
    args = parse_args(argv)
    ensure_database(args.database_url, args.replace)
    setup_django(args.database_url)
    print(f"building {args.database_url}: {args.regions} regions, {args.ghts} GHTs, {args.establishments:,} "
          f"establishments, {args.findings:,} findings, {args.actions:,} actions, {args.years} years", flush=True)
    result = build(args)
    tree = result["tree"]
    print(f"{tree['organisations']:,} organisations ({tree['entities']:,} legal entities, {tree['sites']:,} sites); "
          f"data loaded and indexed in {result['loaded']:.1f} s, {result['total']:.1f} s with the steering refresh")
    print("users (password %s): %s" % (PASSWORD, ", ".join(
        f"{name} ({role.lower()} of {tree[node].name})" for name, (role, node) in USERS.items())))


if __name__ == "__main__":
    main()
