# Shared by test/memcheck/valgrind and test/memcheck/asan (sourced, not run).
#
# Both checks run the pg_regress suites (and a few test/t scripts) against a
# private PostgreSQL 15 server that is started under a wrapper (valgrind, or
# the AddressSanitizer runtime).  Nothing on the machine's installation is
# changed: the server runs from a private copy of the installation,
#
#   $MC_TMP/usr/lib/postgresql/15/bin/postgres   (a copy of the binary)
#   $MC_TMP/usr/lib/postgresql/15/lib/            (links to the system's modules,
#                                                  and our own lead_qual.so)
#   $MC_TMP/usr/share/postgresql/15/              (a copy, with our extension files)
#
# PostgreSQL finds its lib and share directories relative to its binary, so
# this server loads the lead_qual.so put into the private lib directory.
# The tests themselves run from a snapshot of the working tree, so their
# results/ and test/out/ files do not collide with other runs.

mc_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mc_sys_bindir=$(pg_config --bindir)       # initdb, psql, pg_isready: run plainly
mc_sys_libdir=$(pg_config --pkglibdir)
mc_sys_sharedir=$(pg_config --sharedir)

mc_log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
mc_die() { echo "FAILED: $*" >&2; exit 1; }

# mc_setup NAME: the temporary directory, the output directory
# test/out/memcheck/NAME, and the snapshot of the working tree.
mc_setup() {
    MC_NAME=$1
    MC_OUT=$mc_repo/test/out/memcheck/$MC_NAME
    rm -rf "$MC_OUT"
    mkdir -p "$MC_OUT"
    MC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lead_qual-$MC_NAME.XXXXXX")
    chmod 755 "$MC_TMP"
    MC_AS_OWNER=()
    MC_EXEC_AS_OWNER=()
    if [ "$(id -u)" -eq 0 ]; then
        MC_AS_OWNER=(runuser -u postgres --)
        # setpriv executes the command in place (runuser forks and waits),
        # so the background job's pid is the postmaster's.
        MC_EXEC_AS_OWNER=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    fi
    MC_TREE=$MC_TMP/tree
    mkdir -p "$MC_TREE"
    # The working tree as it is now, without build products and outputs.
    tar -C "$mc_repo" --exclude=./.git --exclude=./test/out --exclude=./results \
        --exclude=./bench/out --exclude='*.o' --exclude='*.bc' --exclude='*.so' \
        --exclude=./regression.diffs --exclude=./regression.out \
        -cf - . | tar -C "$MC_TREE" -xf -
    MC_PREFIX=$MC_TMP/usr
    MC_BINDIR=$MC_PREFIX/lib/postgresql/15/bin
    MC_LIBDIR=$MC_PREFIX/lib/postgresql/15/lib
    MC_SHAREDIR=$MC_PREFIX/share/postgresql/15
    trap mc_cleanup EXIT
}

mc_cleanup() {
    local rc=$?
    mc_stop_server quiet || true
    if [ -n "${MC_KEEP:-}" ]; then
        echo "kept: $MC_TMP"
    else
        rm -rf "$MC_TMP"
    fi
    return $rc
}

# mc_make_prefix: the private installation, without lead_qual.so yet.
mc_make_prefix() {
    mkdir -p "$MC_BINDIR" "$MC_LIBDIR" "$(dirname "$MC_SHAREDIR")"
    cp "$mc_sys_bindir/postgres" "$MC_BINDIR/postgres"
    local f
    for f in "$mc_sys_libdir"/*; do
        case $(basename "$f") in
            lead_qual.so) ;;
            *) ln -s "$f" "$MC_LIBDIR/" ;;
        esac
    done
    cp -a "$mc_sys_sharedir" "$MC_SHAREDIR"
    rm -f "$MC_SHAREDIR"/extension/lead_qual[.-]*
}

# mc_install_ext SO: our module and the extension files of the snapshot.
mc_install_ext() {
    cp "$1" "$MC_LIBDIR/lead_qual.so"
    cp "$MC_TREE/lead_qual.control" "$MC_TREE"/lead_qual--*.sql "$MC_SHAREDIR/extension/"
}

# mc_initdb: a cluster in $MC_TMP/data (initdb runs plainly; the data
# directory does not depend on how the server is started later).
mc_initdb() {
    MC_DATA=$MC_TMP/data
    MC_SOCK=$MC_TMP/sock
    mkdir -p "$MC_SOCK" "$MC_TMP/log"
    [ ${#MC_AS_OWNER[@]} -eq 0 ] || chown postgres: "$MC_SOCK" "$MC_TMP/log"
    [ ${#MC_AS_OWNER[@]} -eq 0 ] || chown postgres: "$MC_TMP"
    "${MC_AS_OWNER[@]}" "$mc_sys_bindir/initdb" -D "$MC_DATA" -U postgres -A trust --no-sync \
        >"$MC_OUT/initdb.log" 2>&1 || { cat "$MC_OUT/initdb.log"; mc_die "initdb"; }
    export PGHOST=$MC_SOCK PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
    export PG_SERVER_LOG=$MC_TMP/log/server.log
}

# mc_start_server TIMEOUT WRAPPER...: start postgres under the wrapper
# command (for example valgrind and its options, or env LD_PRELOAD=...), and
# wait until it answers.  Extra server options come from MC_SERVER_OPTS.
mc_start_server() {
    local timeout=$1
    shift
    local opts=(-D "$MC_DATA" -k "$MC_SOCK" -p 5432 -c listen_addresses=
                -c fsync=off -c jit=off -c max_connections=30
                ${MC_SERVER_OPTS[@]+"${MC_SERVER_OPTS[@]}"})
    # stdin from /dev/null; the server writes its log to its stderr.
    "${MC_EXEC_AS_OWNER[@]}" "$@" "$MC_BINDIR/postgres" "${opts[@]}" \
        </dev/null >"$PG_SERVER_LOG" 2>&1 &
    MC_PM_PID=$!
    MC_SERVER_STARTED=1
    local waited=0
    until "$mc_sys_bindir/pg_isready" -q; do
        sleep 2
        waited=$((waited + 2))
        if [ $waited -ge "$timeout" ]; then
            tail -30 "$PG_SERVER_LOG"
            mc_die "the server did not answer within $timeout s"
        fi
        if ! kill -0 "$MC_PM_PID" 2>/dev/null; then
            tail -30 "$PG_SERVER_LOG"
            mc_die "the server exited while starting"
        fi
    done
    [ "$(head -1 "$MC_DATA/postmaster.pid")" = "$MC_PM_PID" ] ||
        mc_die "postmaster.pid does not name the process started ($MC_PM_PID)"
    mc_log "server up after ${waited}s (postmaster pid $MC_PM_PID)"
    # The server must take its modules and extension files from the private
    # installation, not the machine's.
    local libdir
    libdir=$("$mc_sys_bindir/psql" -X -A -t -c "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'")
    [ "$libdir" = "$MC_LIBDIR" ] || mc_die "the server's PKGLIBDIR is $libdir, not $MC_LIBDIR"
}

# mc_stop_server [quiet]: fast shutdown of the postmaster we started (by its
# pid), waiting for every child to exit (under valgrind each one then runs
# its leak check).  Falls back to an immediate shutdown after 600 s.
mc_stop_server() {
    [ -n "${MC_SERVER_STARTED:-}" ] || return 0
    local pid=${MC_PM_PID:-}
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        if [ ! -f "$MC_DATA/postmaster.pid" ]; then
            # It never got as far as being a server: nothing to shut down.
            kill -KILL "$pid" 2>/dev/null || true
        fi
        kill -INT "$pid" 2>/dev/null || true
        local waited=0
        while kill -0 "$pid" 2>/dev/null; do
            sleep 1
            waited=$((waited + 1))
            if [ $waited -eq 600 ]; then
                [ "${1:-}" = quiet ] || echo "fast shutdown took over 600 s: immediate shutdown" >&2
                kill -QUIT "$pid" 2>/dev/null || true
            fi
            [ $waited -lt 660 ] || { kill -KILL "$pid" 2>/dev/null || true; break; }
        done
    fi
    wait "$pid" 2>/dev/null || true
    MC_SERVER_STARTED=
}

# mc_run_regress [SUITE...]: `make installcheck` in the snapshot (the
# Makefile's REGRESS list unless suites are given); pg_regress connects with
# PGHOST/PGPORT.  Its results/ and regression.diffs are then copied to
# $MC_OUT/regress.  Sets MC_REGRESS_RC.
mc_run_regress() {
    local args=()
    [ $# -eq 0 ] || args=(REGRESS="$*")
    set +e
    make -s -C "$MC_TREE" installcheck ${args[@]+"${args[@]}"} >"$MC_OUT/regress.log" 2>&1
    MC_REGRESS_RC=$?
    set -e
    mkdir -p "$MC_OUT/regress"
    cp -r "$MC_TREE/results" "$MC_OUT/regress/" 2>/dev/null || true
    cp "$MC_TREE"/regression.* "$MC_OUT/regress/" 2>/dev/null || true
    sed -i "s|$MC_TREE/|./|g" "$MC_OUT/regress.log"
    cat "$MC_OUT/regress.log"
}

# mc_run_t NAME...: test/t/NAME.sh of the snapshot against the server.
# Sets MC_T_FAILED to the names of those that failed.
mc_run_t() {
    MC_T_FAILED=()
    local t
    for t in "$@"; do
        [ -x "$MC_TREE/test/t/$t.sh" ] || mc_die "no test/t/$t.sh"
        local start=$SECONDS
        if "$MC_TREE/test/t/$t.sh" >"$MC_OUT/t_$t.log" 2>&1; then
            mc_log "test/t/$t.sh ok ($((SECONDS - start)) s)"
        else
            mc_log "test/t/$t.sh FAILED ($((SECONDS - start)) s; log: $MC_OUT/t_$t.log)"
            tail -20 "$MC_OUT/t_$t.log"
            MC_T_FAILED+=("$t")
        fi
    done
}

# mc_server_crashes: the lines of the server log that say a process died
# of a signal.
mc_server_crashes() {
    grep -E 'terminated by signal|was terminated by exception' "$PG_SERVER_LOG" || true
}

# mc_inject_bug SRC_DIR [KIND]: the deliberate bugs of the self-test, in
# the snapshot only, at the start of lead_qual.model's input function (every
# model text read runs them; the suites read many).
#  malloc (default): shifts a 32-bit int by 40 bits and adds 1 to INT_MAX
#    (for UBSan), then reads one byte past the end of a 16-byte malloc'd
#    block (ASan and valgrind must report the read).
#  palloc: reads one byte past a 16-byte palloc'd chunk (no tool sees this:
#    the chunk lies inside a larger block of the memory context), and one
#    byte past a 100,000-byte palloc'd chunk (a block of its own, so ASan
#    and valgrind must see it).
mc_inject_bug() {
    local f=$1/src/model/model_type.c kind=${2:-malloc} body
    case $kind in
        malloc) body='\t{\n\t\tchar *volatile lq_bug = malloc(16);\n\t\tvolatile int lq_shift = 40;\n\t\tvolatile int lq_one = 1;\n\t\tvolatile int lq_max = PG_INT32_MAX;\n\n\t\tmemset(lq_bug, 1, 16);\n\t\tif ((lq_one << lq_shift) == 42 || lq_max + lq_one == 42 || lq_bug[16] == 42)\n\t\t\telog(NOTICE, "never");\n\t\tfree(lq_bug);\n\t}\n' ;;
        palloc) body='\t{\n\t\tchar *volatile lq_bug = palloc(16);\n\t\tchar *volatile lq_big = palloc(100000);\n\n\t\tmemset(lq_bug, 1, 16);\n\t\tmemset(lq_big, 1, 100000);\n\t\tif (lq_bug[16] == 42 || lq_big[100000] == 42)\n\t\t\telog(NOTICE, "never");\n\t\tpfree(lq_big);\n\t}\n' ;;
        *) mc_die "unknown kind of injected bug: $kind" ;;
    esac
    grep -q '^lq_model_in(PG_FUNCTION_ARGS)$' "$f" || mc_die "self-test: lq_model_in not found in $f"
    perl -0pi -e 's/(lq_model_in\(PG_FUNCTION_ARGS\)\n\{\n)/$1'"$body"'/' "$f"
    grep -q 'lq_bug\[16\]' "$f" || mc_die "self-test: the bug was not injected"
}
