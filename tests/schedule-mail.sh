#!/bin/sh
# A mail notice through a real local MTA: Debian's exim4 in its "local
# delivery only" configuration (nothing leaves the machine), its queue
# runner started by the test and stopped after; the message read back
# from the mailbox.  The task's plan name holds a newline and a header,
# which must not become a header of the mail.  No test bed: the run
# itself fails at once (its one agent has no key), which is the failure
# notice mailed.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the MTA's spool)"
command -v exim4 >/dev/null || skip_all "exim4 not installed"
[ -x /usr/sbin/sendmail ] || skip_all "no /usr/sbin/sendmail"
grep -q "^dc_eximconfig_configtype='local'" \
    /etc/exim4/update-exim4.conf.conf 2>/dev/null ||
    skip_all "exim4 is not configured for local delivery only"
cd "$TEST_DIR" || bail "cd"

MARK=jmx-mail-$(basename "$TEST_DIR")
PLAN="$MARK
Bcc: intruder@localhost.jmx"
cp "$JMX_SRCDIR/share/plans/http-get.jmx" "$PLAN"
cat >jmx.yaml <<EOF
agents:
  - name: a1
    host: 127.0.0.1
    port: 1
EOF
export JMX_CONFIG=$TEST_DIR/jmx.yaml TZ=UTC

# The queue runner (no listener: nothing to bind), with its own pid file.
exim4 -q5s -oP "$TEST_DIR/exim.pid" &
i=0
until [ -s "$TEST_DIR/exim.pid" ] || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
ok "$([ -s "$TEST_DIR/exim.pid" ]; echo $?)" "exim4's queue runner started"
trap 'kill "$(cat "$TEST_DIR/exim.pid" 2>/dev/null)" 2>/dev/null' EXIT

JMX_NOW=2026-12-24T00:00:00Z run "$JMX_SCHEDULE" add "$PLAN" \
    --at "2026-12-24 02:00" --notify mail:postmaster@localhost
is "$RC" 0 "add a task with a mail notice"
JMX_NOW=2026-12-24T02:00:00Z run "$JMX_SCHEDULE" tick
is "$RC" 3 "the run fails to start (no agent): tick exits 3"
is "$(sqlite3 "$JMX_HOME/jmx.db" 'select ok from notices')" 1 \
    "the failure notice was handed to sendmail"

# Delivery to the mailbox, read back: root's mail goes where the MTA's
# aliases say (Debian: to the user "mail"), so every local mailbox is
# looked at; the message is the one with this test's mark.
i=0
until grep -qs "$MARK" /var/mail/* || [ $i -ge 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
python3 - "$MARK" >mail.txt <<'PY'
import glob, mailbox, sys
for path in glob.glob("/var/mail/*"):
    for m in mailbox.mbox(path):
        if sys.argv[1] in str(m["Subject"]):
            sys.stdout.write(m.as_string())
PY
like "$(cat mail.txt)" "^Subject: jmx: task 1 '.*$MARK\\\\nBcc: intruder@localhost.jmx': the run due 2026-12-24T02:00:00Z failed to start" \
    "the mail arrived, its subject names the task, on one line"
like "$(cat mail.txt)" "^To: postmaster@localhost" "... to the address given"
ok "$(sed '/^$/q' mail.txt | grep -q '^Bcc:'; [ $? -eq 1 ]; echo $?)" \
    "... a newline in the name added no header"
ok "$(grep -qs '^Envelope-to: intruder' /var/mail/*; [ $? -ne 0 ]; echo $?)" \
    "... and nobody else got it"
like "$(cat mail.txt)" "the agent is unusable" "the body says why"

kill "$(cat "$TEST_DIR/exim.pid")" 2>/dev/null
trap - EXIT
done_testing
