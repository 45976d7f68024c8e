#!/usr/bin/env bash
# Try Apache Superset 6.1.0 against a database loaded by etl, end to end, and report what works.
#
#   scripts/try-superset.sh            # Postgres: load, grant a read-only role, register in Superset
#   scripts/try-superset.sh --sqlite   # ... and then the SQLite case too
#   scripts/try-superset.sh --fresh    # drop the throwaway Postgres database (and SQLite file) first
#
# Everything Superset needs lives outside the repo, in ${ETL_TRY_SUPERSET_CACHE:-~/.cache/etl-try-superset}:
# its virtualenv (venv/), SUPERSET_HOME (home/: superset_config.py, a generated SECRET_KEY, the SQLite
# metadata database of Superset itself), the SQLite file of the --sqlite part, logs/ and results/.
# Superset is driven through its own REST API (the one its UI calls), with Flask's test client in
# the Superset app: no server, no port. Idempotent; re-running reuses the venv and updates what exists.
#
# Environment:
#   SUPERSET_VENV          virtualenv for Superset (default: $CACHE/venv)
#   ETL                    the etl command (default: the repo's .venv/bin/etl, else etl)
#   ETL_TRY_DB             throwaway Postgres database, as an etl URL
#                          (default: postgresql+psycopg://postgres@127.0.0.1:5432/etl_try_superset)
#   ETL_TRY_RO_PASSWORD    password for the read-only role superset_ro (default: a throwaway one)
#   ETL_TRY_ADMIN_PASSWORD password for Superset's admin user (default: a throwaway one)
set -euo pipefail

started=$SECONDS
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${ETL_TRY_SUPERSET_CACHE:-$HOME/.cache/etl-try-superset}
venv=${SUPERSET_VENV:-$cache/venv}
export SUPERSET_HOME=$cache/home
export SUPERSET_CONFIG_PATH=$SUPERSET_HOME/superset_config.py
logs=$cache/logs
results=$cache/results

with_sqlite=0
fresh=0
for arg in "$@"; do
  case $arg in
    --sqlite) with_sqlite=1 ;;
    --fresh) fresh=1 ;;
    -h | --help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [[ -z ${ETL:-} ]]; then
  if [[ -x $repo/.venv/bin/etl ]]; then ETL=$repo/.venv/bin/etl; else ETL=etl; fi
fi
etl_db=${ETL_TRY_DB:-postgresql+psycopg://postgres@127.0.0.1:5432/etl_try_superset}
ro_role=superset_ro
# Throwaway passwords: this instance is local and disposable. They are printed only when they are
# these defaults; one given in the environment is never printed.
ro_password=${ETL_TRY_RO_PASSWORD:-try-superset-ro}
admin_password=${ETL_TRY_ADMIN_PASSWORD:-try-superset-admin}
shown_ro=$([[ -z ${ETL_TRY_RO_PASSWORD:-} ]] && echo "$ro_password" || echo '***')
shown_admin=$([[ -z ${ETL_TRY_ADMIN_PASSWORD:-} ]] && echo "$admin_password" || echo '***')

# libpq form of the etl URL (for psql and for Superset): no SQLAlchemy driver suffix.
pg_url=${etl_db/+psycopg2:/:}
pg_url=${pg_url/+psycopg:/:}
pg_rest=${pg_url#*://}
pg_dbname=${pg_rest#*/}
pg_dbname=${pg_dbname%%\?*}
pg_hostport=${pg_rest#*@}
pg_hostport=${pg_hostport%%/*}
pg_admin_url=${pg_url%/*}/postgres

mkdir -p "$SUPERSET_HOME" "$logs" "$results"
rm -f "$results"/*.json "$results"/*.txt

say() { printf '\n== %s\n' "$*"; }
# run_logged NAME CMD...: run CMD with its output in $logs/NAME.log; on failure show the log's end.
run_logged() {
  local name=$1; shift
  if ! "$@" >"$logs/$name.log" 2>&1; then
    echo "FAILED: $* (log: $logs/$name.log)" >&2
    tail -n 30 "$logs/$name.log" >&2
    return 1
  fi
}

# --- 1. Superset's virtualenv -------------------------------------------------------------------
# apache-superset 6.1.0 from PyPI installs, but with only its own (loose) requirements it does not
# start; these are added by hand:
#   rich                  superset/cli/test_db.py imports it, and every `superset` command loads
#                         that module: "ModuleNotFoundError: No module named 'rich'".
#   cachetools            superset/db_engine_specs/aws_iam.py imports it at module level, and
#                         load_engine_specs() imports every module there, so without it the UI's
#                         list of databases (/api/v1/database/available/) is an HTTP 500 and even
#                         postgresql:// fails its test with "Could not load database driver for:
#                         postgresql" (the same words as a missing dialect: see psycopg 3 below).
#   Flask-Caching==2.3.1  the version Superset's own requirements/base.txt pins; Flask-Caching
#                         2.5.x (what pip picks) passes ignore_delete_many_errors to Superset's
#                         metastore cache: "TypeError: SupersetMetastoreCache.__init__() got an
#                         unexpected keyword argument 'ignore_delete_many_errors'" at app start.
#   psycopg2-binary       Superset's Postgres driver (postgresql:// URIs). Superset pins
#                         SQLAlchemy < 2, which has no psycopg 3 dialect (postgresql+psycopg://).
requirements=('apache-superset==6.1.0' psycopg2-binary rich cachetools 'Flask-Caching==2.3.1')
stamp=$venv/.etl-try-superset-installed
say "1. Superset virtualenv: $venv"
install_seconds=0
if [[ ! -f $stamp || "$(cat "$stamp")" != "${requirements[*]}" ]]; then
  t0=$SECONDS
  [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
  echo "pip install ${requirements[*]} (log: $logs/pip.log)"
  run_logged pip "$venv/bin/pip" install "${requirements[@]}"
  printf '%s' "${requirements[*]}" >"$stamp"
  install_seconds=$((SECONDS - t0))
  echo "installed in ${install_seconds}s"
else
  echo "already installed (${requirements[*]})"
fi
superset=$venv/bin/superset

# SUPERSET_HOME: config with a SECRET_KEY generated once, metadata in SQLite.
if [[ ! -s $SUPERSET_HOME/secret_key ]]; then
  (umask 077; "$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(42))' >"$SUPERSET_HOME/secret_key")
fi
cat >"$SUPERSET_CONFIG_PATH" <<EOF
# Written by etl's scripts/try-superset.sh: a throwaway local Superset.
import os
from pathlib import Path

SECRET_KEY = Path("$SUPERSET_HOME/secret_key").read_text().strip()
# Superset's own metadata, in SQLite. The SQLite part uses a second one (ETL_TRY_METADATA): see there.
SQLALCHEMY_DATABASE_URI = "sqlite:///$SUPERSET_HOME/" + os.environ.get("ETL_TRY_METADATA", "superset.db")
# Superset refuses SQLite data sources by default ("cannot be used as a data source for security
# reasons"). The script lifts that only for its SQLite part, by ETL_TRY_ALLOW_SQLITE=1.
PREVENT_UNSAFE_DB_CONNECTIONS = os.environ.get("ETL_TRY_ALLOW_SQLITE") != "1"
# Quieter: no examples, no telemetry.
SUPERSET_LOAD_EXAMPLES = False
EOF

# --- 2. The throwaway Postgres database, loaded by etl -------------------------------------------
say "2. Postgres database $pg_dbname, loaded by $ETL"
if [[ $fresh == 1 ]]; then
  rm -f "$cache/etl.db" "$cache/etl.db-wal" "$cache/etl.db-shm"
  psql "$pg_admin_url" -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS \"$pg_dbname\" WITH (FORCE)"
fi
if [[ -z $(psql "$pg_admin_url" -Atc "SELECT 1 FROM pg_database WHERE datname = '$pg_dbname'") ]]; then
  psql "$pg_admin_url" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$pg_dbname\""
  echo "created database $pg_dbname"
fi
cd "$repo"
t0=$SECONDS
# `etl db upgrade` first, although `etl run` migrates by itself: a migration failure then shows on
# its own, and a work-tree etl seen while this script was written (run locks in progress) took its
# lock before migrating, failing on an empty database with: schema "etl_locks" does not exist.
run_logged etl-upgrade-postgres "$ETL" db upgrade --db "$etl_db"
run_logged etl-run-postgres "$ETL" run seeds/ tests/fixtures/gnews-sample --db "$etl_db"
tail -n 3 "$logs/etl-run-postgres.log"
ETL_READONLY_PASSWORD=$ro_password run_logged etl-grant "$ETL" db grant-readonly "$ro_role" --db "$etl_db"
grep -v '^Database:' "$logs/etl-grant.log" || true
echo "(role $ro_role, throwaway password: $shown_ro)"
etl_seconds=$((SECONDS - t0))
psql "$pg_url" -v ON_ERROR_STOP=1 -AtF $'\t' \
  -c "SELECT month, count(*) FROM v_articles GROUP BY month ORDER BY month" >"$results/psql-months.txt"
psql "$pg_url" -v ON_ERROR_STOP=1 -AtF $'\t' -c "SELECT
    (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'),
    (SELECT count(*) FROM pg_views WHERE schemaname = 'public'),
    (SELECT count(*) FROM pg_matviews WHERE schemaname = 'public'),
    current_setting('TimeZone')" >"$results/psql-catalog.txt"
echo "psql: $(wc -l <"$results/psql-months.txt") months, $(awk -F'\t' '{s+=$2} END {print s}' "$results/psql-months.txt") articles in v_articles"

# --- 3. Superset's own metadata database and admin user -----------------------------------------
# setup_superset METADATA_FILE: its metadata schema, the admin user, roles and permissions.
setup_superset() {
  local meta=$1
  export ETL_TRY_METADATA=$meta
  run_logged "superset-db-upgrade-$meta" "$superset" db upgrade
  # create-admin says "already exists" (and exits 0) when the user is there.
  run_logged "superset-create-admin-$meta" "$superset" fab create-admin --username admin --firstname Try \
    --lastname Superset --email admin@example.invalid --password "$admin_password"
  echo "$meta: $(grep -hiE 'created|exists' "$logs/superset-create-admin-$meta.log" | tail -n 1)"
  run_logged "superset-init-$meta" "$superset" init
  unset ETL_TRY_METADATA
}
say "3. superset db upgrade, admin user, superset init (metadata: $SUPERSET_HOME/superset.db; logs in $logs)"
t0=$SECONDS
setup_superset superset.db
echo "(Superset user admin, throwaway password: $shown_admin)"
init_seconds=$((SECONDS - t0))
echo "done in ${init_seconds}s"

# --- 4.-6. Superset, through its REST API ---------------------------------------------------------
helper=$cache/try_superset.py
cat >"$helper" <<'PYTHON'
"""Drive Superset's REST API with Flask's test client inside the Superset app (written by try-superset.sh)."""
import datetime as dt
import json
import logging
import os
import sqlite3
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

mode = sys.argv[1]
env = os.environ
results = env["TRY_RESULTS"]
out = {"mode": mode}


def save():
    with open(os.path.join(results, f"{mode}.json"), "w") as f:
        json.dump(out, f, indent=1, default=str)


def mask(uri):
    if "@" not in uri or "://" not in uri:
        return uri
    scheme, rest = uri.split("://", 1)
    cred, host = rest.rsplit("@", 1)
    return f"{scheme}://{cred.split(':', 1)[0]}:***@{host}" if ":" in cred else uri


from superset.app import create_app  # noqa: E402

app = create_app()
client = app.test_client()
r = client.post(
    "/api/v1/security/login",
    json={"username": "admin", "password": env["TRY_ADMIN_PASSWORD"], "provider": "db", "refresh": False},
)
assert r.status_code == 200, (r.status_code, r.get_data(as_text=True)[:300])
headers = {"Authorization": f"Bearer {r.json['access_token']}"}
r = client.get("/api/v1/security/csrf_token/", headers=headers)
headers["X-CSRFToken"] = r.json["result"]


def api(method, url, **kw):
    r = client.open(url, method=method, headers=headers, **kw)
    try:
        body = r.json
    except Exception:
        body = None
    return r.status_code, body if body is not None else r.get_data(as_text=True)[:500]


def error_text(body):
    """The message the UI shows: Superset's errors[].message, else message."""
    if isinstance(body, dict):
        if body.get("errors"):
            return " | ".join(e.get("message", "") for e in body["errors"])
        if "message" in body:
            m = body["message"]
            return json.dumps(m) if not isinstance(m, str) else m
    return str(body)


def test_connection(name, uri):
    code, body = api("POST", "/api/v1/database/test_connection/", json={"database_name": name, "sqlalchemy_uri": uri})
    return {"uri": mask(uri), "status": code, "ok": code == 200, "message": "OK" if code == 200 else error_text(body)}


def upsert_database(name, uri, extra=None):
    """Create the database connection (as the UI's "Connect" does), or update it when it exists."""
    q = f"(filters:!((col:database_name,opr:eq,value:'{name}')))"
    code, body = api("GET", f"/api/v1/database/?q={q}")
    payload = {"database_name": name, "sqlalchemy_uri": uri, "expose_in_sqllab": True}
    if extra:
        payload["extra"] = json.dumps(extra)
    if code == 200 and body["count"]:
        pk = body["result"][0]["id"]
        code, body = api("PUT", f"/api/v1/database/{pk}", json=payload)
        return (pk if code == 200 else None), code, body
    code, body = api("POST", "/api/v1/database/", json=payload)
    return (body.get("id") if code == 201 else None), code, body


def describe_database(pk, schema):
    """What the UI's dataset / SQL Lab pickers list: schemas, and tables and views of a schema."""
    code, body = api("GET", f"/api/v1/database/{pk}/schemas/")
    info = {"schemas": body.get("result") if code == 200 else error_text(body)}
    code, body = api("GET", f"/api/v1/database/{pk}/tables/?q=(schema_name:{schema},force:!t)")
    if code == 200:
        kinds = {}
        for t in body["result"]:
            kinds.setdefault(t["type"], []).append(t["value"])
        info["tables"] = sorted(kinds.get("table", []))
        info["views"] = sorted(kinds.get("view", []))
        info["other"] = {k: v for k, v in kinds.items() if k not in ("table", "view")}
    else:
        info["tables_error"] = error_text(body)
    return info


def table_metadata(pk, table, schema):
    """SQL Lab's table preview: column types and comments, table comment."""
    code, body = api("GET", f"/api/v1/database/{pk}/table_metadata/?name={table}&schema={schema}")
    if code != 200:
        return {"error": error_text(body)}
    cols = body["columns"]
    return {
        "table_comment": body.get("comment"),
        "columns": [{"name": c["name"], "type": c["longType"], "comment": c.get("comment")} for c in cols],
        "columns_with_comment": sum(1 for c in cols if c.get("comment")),
        "column_count": len(cols),
    }


def upsert_dataset(db_pk, schema, table):
    q = f"(filters:!((col:table_name,opr:eq,value:{table}),(col:database,opr:rel_o_m,value:{db_pk})))"
    code, body = api("GET", f"/api/v1/dataset/?q={q}")
    if code == 200 and body["count"]:
        pk = body["result"][0]["id"]
        code, body = api("PUT", f"/api/v1/dataset/{pk}/refresh")  # re-sync columns from the database
        action = "refreshed" if code == 200 else f"refresh failed: {code} {error_text(body)}"
    else:
        code, body = api("POST", "/api/v1/dataset/", json={"database": db_pk, "schema": schema, "table_name": table})
        if code != 201:
            return None, {"error": f"{code} {error_text(body)}"}
        pk, action = body["id"], "created"
    code, body = api("GET", f"/api/v1/dataset/{pk}")
    ds = body["result"]
    cols = ds["columns"]
    return pk, {
        "id": pk,
        "action": action,
        "description": ds.get("description"),
        "main_dttm_col": ds.get("main_dttm_col"),
        "temporal_columns": [c["column_name"] for c in cols if c.get("is_dttm")],
        "columns": [
            {"name": c["column_name"], "type": c.get("type"), "is_dttm": c.get("is_dttm"), "description": c.get("description")}
            for c in cols
        ],
        "columns_with_description": sum(1 for c in cols if c.get("description")),
        "metrics": [m["metric_name"] for m in ds.get("metrics", [])],
    }


COUNT = {"expressionType": "SQL", "sqlExpression": "COUNT(*)", "label": "articles"}


def chart_data(ds_pk, query, result_type="full"):
    payload = {
        "datasource": {"id": ds_pk, "type": "table"},
        "force": True,
        "queries": [query],
        "result_format": "json",
        "result_type": result_type,
    }
    code, body = api("POST", "/api/v1/chart/data", json=payload)
    if code != 200:
        return {"error": f"{code} {error_text(body)}"}
    res = body["result"][0]
    return {"data": res.get("data"), "query": res.get("query"), "rowcount": res.get("rowcount")}


def months_by_column(ds_pk):
    """Articles per month, grouped by the view's month column: a bar chart of v_articles by month."""
    q = {"columns": ["month"], "metrics": [COUNT], "orderby": [["month", True]], "row_limit": 10000}
    r = chart_data(ds_pk, q)
    if "error" in r:
        return r
    return {"months": [[row["month"], row["articles"]] for row in r["data"]], "sql": r["query"]}


def months_by_time_grain(ds_pk, time_col):
    """Articles per month by Superset's own time grain (P1M) on the time column: a time-series chart."""
    axis = {"columnType": "BASE_AXIS", "expressionType": "SQL", "sqlExpression": time_col,
            "label": time_col, "timeGrain": "P1M"}
    q = {"columns": [axis], "metrics": [COUNT], "orderby": [[axis, True]], "row_limit": 10000}
    r = chart_data(ds_pk, q)
    if "error" in r:
        return r
    months = []
    for row in r["data"]:
        v = row[time_col]
        if isinstance(v, (int, float)):  # epoch milliseconds
            v = dt.datetime.fromtimestamp(v / 1000, dt.timezone.utc).strftime("%Y-%m")
        else:
            v = str(v)[:7]
        months.append([v, row["articles"]])
    return {"months": months, "sql": r["query"]}


def engine_check(db_pk, sql):
    """The same count through the Superset database object's engine (Database.get_df)."""
    from superset import db as metadb
    from superset.models.core import Database

    with app.app_context():
        database = metadb.session.query(Database).get(db_pk)
        df = database.get_df(sql)
        return [[str(a), int(b)] for a, b in df.itertuples(index=False)]


def raw_sqlalchemy_error(uri):
    import sqlalchemy

    try:
        sqlalchemy.create_engine(uri)
        return None
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__module__}.{type(e).__name__}: {e}"


MONTHS_SQL = "SELECT month, count(*) AS n FROM v_articles GROUP BY month ORDER BY month"

import superset  # noqa: E402
import sqlalchemy  # noqa: E402

out["versions"] = {"superset": getattr(superset, "__version__", None) or __import__("importlib.metadata").metadata.version("apache-superset"),
                   "sqlalchemy": sqlalchemy.__version__}
try:
    import psycopg2

    out["versions"]["psycopg2"] = psycopg2.__version__.split()[0]
except ImportError:
    pass
code, body = api("GET", "/api/v1/database/available/")
# The UI's "+ Database" list: engines whose driver is installed (every engine spec is imported here).
out["available_engines"] = (
    {e["name"]: e.get("available_drivers") for e in body["databases"]} if code == 200 else f"{code} {error_text(body)}"
)

if mode == "postgres":
    uri2 = env["TRY_PG_URI"]
    uri3 = uri2.replace("postgresql://", "postgresql+psycopg://", 1)
    # 5. psycopg 3 (the README's URI form): test connection, and saving it, as the UI does.
    out["psycopg3"] = {
        "test_connection": test_connection("etl (psycopg 3)", uri3),
        "sqlalchemy_error": raw_sqlalchemy_error(uri3),
        "sqlalchemy_has_psycopg_dialect": os.path.exists(
            os.path.join(os.path.dirname(sqlalchemy.__file__), "dialects", "postgresql", "psycopg.py")),
    }
    pk, code, body = upsert_database("etl (psycopg 3)", uri3)
    out["psycopg3"]["save"] = {"status": code, "message": "saved" if pk else error_text(body)}
    if pk:  # don't leave a broken connection behind
        api("DELETE", f"/api/v1/database/{pk}")
    # 4. psycopg2 (postgresql://): connect, register, describe, dataset, counts.
    out["psycopg2"] = {"test_connection": test_connection("etl", uri2)}
    pk, code, body = upsert_database("etl", uri2)
    out["database"] = {"id": pk, "status": code, "message": "saved" if pk else error_text(body), "uri": mask(uri2)}
    if pk:
        out["catalog"] = describe_database(pk, "public")
        out["metadata_v_articles"] = table_metadata(pk, "v_articles", "public")
        out["metadata_articles"] = table_metadata(pk, "articles", "public")
        ds_pk, out["dataset"] = upsert_dataset(pk, "public", "v_articles")
        if ds_pk:
            out["by_month_column"] = months_by_column(ds_pk)
            time_col = out["dataset"]["main_dttm_col"] or "published_at"
            out["by_time_grain"] = months_by_time_grain(ds_pk, time_col)
            out["by_time_grain"]["time_column"] = time_col
        out["get_df"] = engine_check(pk, MONTHS_SQL)
    save()

elif mode == "sqlite-refused":
    uri = env["TRY_SQLITE_URI"]
    out["test_connection"] = test_connection("etl (SQLite)", uri)
    _, code, body = upsert_database("etl (SQLite, refused)", uri)
    out["save"] = {"status": code, "message": error_text(body) if code not in (200, 201) else "saved"}
    save()

elif mode == "sqlite":
    uri = env["TRY_SQLITE_URI"]
    out["test_connection"] = test_connection("etl (SQLite)", uri)
    pk, code, body = upsert_database("etl (SQLite)", uri)
    out["database"] = {"id": pk, "status": code, "message": "saved" if pk else error_text(body), "uri": uri}
    if pk:
        out["catalog"] = describe_database(pk, "main")
        out["metadata_v_articles"] = table_metadata(pk, "v_articles", "main")
        ds_pk, out["dataset"] = upsert_dataset(pk, "main", "v_articles")
        if ds_pk:
            out["by_month_column"] = months_by_column(ds_pk)
            if out["dataset"]["main_dttm_col"]:
                out["by_time_grain"] = months_by_time_grain(ds_pk, out["dataset"]["main_dttm_col"])
        out["get_df"] = engine_check(pk, MONTHS_SQL)
    path = env["TRY_SQLITE_PATH"]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        out["sqlite3_months"] = [list(r) for r in con.execute(MONTHS_SQL)]
        out["sqlite3_decltypes"] = {r[1]: r[2] for r in con.execute("PRAGMA table_info(v_articles)")}
        out["sqlite3_catalog"] = dict(con.execute("SELECT type, count(*) FROM sqlite_master"
                                                  " WHERE type IN ('table', 'view') GROUP BY type").fetchall())
    save()
PYTHON

run_helper() {  # run_helper MODE [VAR=VALUE...]: the helper in Superset's venv, its chatter to a log
  local mode=$1; shift
  env TRY_RESULTS="$results" TRY_ADMIN_PASSWORD="$admin_password" "$@" \
    "$venv/bin/python" "$helper" "$mode" >"$logs/superset-$mode.log" 2>&1 || {
    echo "FAILED: Superset part '$mode' (log: $logs/superset-$mode.log)" >&2
    tail -n 30 "$logs/superset-$mode.log" >&2
    return 1
  }
}

say "4./5. Superset and Postgres: psycopg 3 and psycopg2 URIs, dataset on v_articles, counts"
t0=$SECONDS
superset_uri="postgresql://$ro_role:$ro_password@$pg_hostport/$pg_dbname"
run_helper postgres TRY_PG_URI="$superset_uri"
superset_seconds=$((SECONDS - t0))

sqlite_path=$cache/etl.db
if [[ $with_sqlite == 1 ]]; then
  say "6. Superset and SQLite: $sqlite_path"
  run_logged etl-upgrade-sqlite "$ETL" db upgrade --db "sqlite:///$sqlite_path"  # as for Postgres
  run_logged etl-run-sqlite "$ETL" run seeds/ tests/fixtures/gnews-sample --db "sqlite:///$sqlite_path"
  tail -n 3 "$logs/etl-run-sqlite.log"
  sqlite_uri="sqlite:///file:$sqlite_path?mode=ro&uri=true"
  t0=$SECONDS
  # Default config first (refused), then with PREVENT_UNSAFE_DB_CONNECTIONS = False.
  run_helper sqlite-refused TRY_SQLITE_URI="$sqlite_uri" TRY_SQLITE_PATH="$sqlite_path"
  # A Superset with its own metadata file for the SQLite part: Superset's metadata schema, when
  # itself on SQLite, keeps an old UNIQUE (table_name) on its `tables` table (its migrations cannot
  # drop that unnamed constraint there), so a second dataset named v_articles, on another database,
  # fails: "Dataset could not be created." / "UNIQUE constraint failed: tables.table_name"
  # (apache/superset issues 17072, 33134). A Postgres metadata database has no such limit.
  setup_superset superset-sqlite.db
  run_helper sqlite TRY_SQLITE_URI="$sqlite_uri" TRY_SQLITE_PATH="$sqlite_path" ETL_TRY_ALLOW_SQLITE=1 \
    ETL_TRY_METADATA=superset-sqlite.db
  superset_seconds=$((superset_seconds + SECONDS - t0))
fi

# --- 7. Summary ----------------------------------------------------------------------------------
say "7. Summary"
TRY_RESULTS=$results TRY_ETL_VERSION="$("$ETL" --version 2>&1 | tail -n 1)" \
  TRY_PG_VERSION="$(psql "$pg_url" -Atc 'SHOW server_version')" \
  TRY_TIMES="install=${install_seconds}s etl=${etl_seconds}s superset-init=${init_seconds}s superset-api=${superset_seconds}s total=$((SECONDS - started))s" \
  "$venv/bin/python" - <<'PYTHON'
import json
import os
from pathlib import Path

res = Path(os.environ["TRY_RESULTS"])
pg = json.loads((res / "postgres.json").read_text())
psql_months = [line.split("\t") for line in (res / "psql-months.txt").read_text().splitlines() if line]
psql_months = [[m, int(n)] for m, n in psql_months]
n_tables, n_views, n_matviews, tz = (res / "psql-catalog.txt").read_text().strip().split("\t")
v = pg["versions"]
print(f"versions: Superset {v['superset']}, SQLAlchemy {v['sqlalchemy']}, psycopg2 {v.get('psycopg2')}, "
      f"{os.environ['TRY_ETL_VERSION']}, PostgreSQL {os.environ['TRY_PG_VERSION']} (TimeZone {tz})")
print(f"times: {os.environ['TRY_TIMES']}")
eng = pg["available_engines"]
print(f"Superset's '+ Database' engines with a driver: "
      f"{', '.join(f'{k} {v}' for k, v in eng.items()) if isinstance(eng, dict) else eng}")
ok = lambda b: "works" if b else "FAILS"  # noqa: E731

p3 = pg["psycopg3"]
print("\n[psycopg 3] " + p3["test_connection"]["uri"])
print(f"  test connection: {ok(p3['test_connection']['ok'])} (HTTP {p3['test_connection']['status']}): "
      f"{p3['test_connection']['message']}")
print(f"  save connection: HTTP {p3['save']['status']}: {p3['save']['message']}")
print(f"  SQLAlchemy {v['sqlalchemy']} create_engine: {p3['sqlalchemy_error']}")
print(f"  SQLAlchemy has a postgresql.psycopg dialect: {p3['sqlalchemy_has_psycopg_dialect']}")

p2 = pg["psycopg2"]["test_connection"]
print("\n[psycopg2] " + p2["uri"])
print(f"  test connection: {ok(p2['ok'])}: {p2['message']}")
d = pg["database"]
print(f"  registered as database 'etl': {ok(d['id'])} (id {d['id']}, HTTP {d['status']}) {'' if d['id'] else d['message']}")
if d["id"]:
    cat = pg["catalog"]
    print(f"  schemas: {cat['schemas']}")
    if "tables" in cat:
        print(f"  schema public lists {len(cat['tables'])} tables and {len(cat['views'])} views "
              f"(psql: {n_tables} tables, {n_views} views, {n_matviews} materialized views){' other: ' + str(cat['other']) if cat['other'] else ''}")
        print(f"  views: {', '.join(cat['views'])}")
    else:
        print(f"  tables: {cat['tables_error']}")
    for t in ("articles", "v_articles"):
        m = pg[f"metadata_{t}"]
        if "error" in m:
            print(f"  {t} metadata: {m['error']}")
            continue
        tc = m["table_comment"]
        print(f"  {t}: table comment {'visible' if tc else 'NOT visible'}"
              f"{': ' + repr(tc[:70] + ('…' if len(tc) > 70 else '')) if tc else ''}; "
              f"column comments visible on {m['columns_with_comment']}/{m['column_count']} columns")
    ds = pg["dataset"]
    if "error" in ds:
        print(f"  dataset v_articles: FAILS: {ds['error']}")
    else:
        print(f"  dataset v_articles: {ds['action']} (id {ds['id']}); description from table comment: "
              f"{'yes' if ds['description'] else 'no'}; column descriptions from comments: "
              f"{ds['columns_with_description']}/{len(ds['columns'])}")
        print(f"  time column (main_dttm_col): {ds['main_dttm_col']}; temporal columns: {ds['temporal_columns']}")
        types = {c['name']: c['type'] for c in ds['columns']}
        print(f"  types: published_at={types.get('published_at')}, published_date={types.get('published_date')}, "
              f"month={types.get('month')}, year={types.get('year')}, image_count={types.get('image_count')}")
        by_col, by_grain = pg["by_month_column"], pg["by_time_grain"]
        a = dict(map(tuple, by_col.get("months", [])))
        b = dict(map(tuple, by_grain.get("months", [])))
        c = dict(map(tuple, pg["get_df"]))
        ref = dict(map(tuple, psql_months))
        print(f"\n  articles per month, psql ({sum(ref.values())} articles in {len(ref)} months):")
        line = " "
        for m, n in psql_months:
            if len(line) > 90:
                print(line)
                line = " "
            line += f" {m}:{n}"
        print(line)
        for label, got in (("Superset, grouped by the view's month column", a),
                           (f"Superset, P1M time grain on {by_grain.get('time_column')}", b),
                           ("Superset Database.get_df (its engine)", c)):
            diff = sorted(m for m in set(ref) | set(got) if ref.get(m) != got.get(m))
            print(f"  {label}: {sum(got.values())} articles in {len(got)} months, "
                  + ("identical to psql" if not diff else "DIFFERS: " + ", ".join(f"{m} psql={ref.get(m)} superset={got.get(m)}" for m in diff)))
        same = lambda x: x == ref  # noqa: E731
        print(f"  equal to psql: by month column {same(a)}, by time grain {same(b)}, get_df {same(c)}"
              f"{'' if 'error' not in by_col else '; month query: ' + by_col['error']}"
              f"{'' if 'error' not in by_grain else '; time-grain query: ' + by_grain['error']}")
        if by_grain.get("sql"):
            print("  Superset's SQL for the time-grain query: " + " ".join(by_grain["sql"].split()))

for name in ("sqlite-refused", "sqlite"):
    if not (res / f"{name}.json").exists():
        continue
    s = json.loads((res / f"{name}.json").read_text())
    if name == "sqlite-refused":
        t = s["test_connection"]
        print(f"\n[SQLite, default config] {t['uri']}")
        print(f"  test connection: {ok(t['ok'])} (HTTP {t['status']}): {t['message']}")
        print(f"  save connection: HTTP {s['save']['status']}: {s['save']['message']}")
        continue
    t = s["test_connection"]
    print(f"\n[SQLite, PREVENT_UNSAFE_DB_CONNECTIONS = False] {t['uri']}")
    print(f"  test connection: {ok(t['ok'])}: {t['message']}")
    d = s["database"]
    print(f"  registered: {ok(d['id'])} {'' if d['id'] else d['message']}")
    if not d["id"]:
        continue
    cat = s["catalog"]
    if "tables" in cat:
        print(f"  schemas {cat['schemas']}; schema main lists {len(cat['tables'])} tables and {len(cat['views'])} views "
              f"(sqlite_master: {s['sqlite3_catalog'].get('table', 0)} tables, {s['sqlite3_catalog'].get('view', 0)} views)")
    m = s["metadata_v_articles"]
    if "error" not in m:
        print(f"  v_articles comments: table {'visible' if m['table_comment'] else 'none'}, columns {m['columns_with_comment']}/{m['column_count']}")
    ds = s["dataset"]
    if "error" in ds:
        print(f"  dataset v_articles: FAILS: {ds['error']}")
        continue
    print(f"  dataset v_articles: {ds['action']}; time column (main_dttm_col): {ds['main_dttm_col']}; temporal: {ds['temporal_columns']}")
    print("  column types Superset reflects for v_articles (declared type in SQLite's PRAGMA table_info):")
    decl = s["sqlite3_decltypes"]
    for c in ds["columns"]:
        print(f"    {c['name']:<16} {str(c['type']):<12} ({decl.get(c['name']) or 'no declared type'})")
    unknown = [c["name"] for c in ds["columns"] if not c["type"] or str(c["type"]).upper() in ("UNKNOWN", "NULL", "NULLTYPE")]
    print(f"  typed UNKNOWN/none: {', '.join(unknown) or 'none'}")
    a = dict(map(tuple, s["by_month_column"].get("months", [])))
    ref = dict(map(tuple, s["sqlite3_months"]))
    print(f"  articles per month via Superset equal to sqlite3's: {a == ref} "
          f"({sum(ref.values())} articles in {len(ref)} months)"
          f"{'' if 'error' not in s['by_month_column'] else '; ' + s['by_month_column']['error']}")
    if "by_time_grain" in s:
        g = s["by_time_grain"]
        gm = dict(map(tuple, g.get("months", [])))
        print(f"  by P1M time grain on {ds['main_dttm_col']}: {gm == ref}{'' if 'error' not in g else '; ' + g['error']}")
PYTHON
echo
echo "Full results: $results/*.json; logs: $logs/"
