#!/bin/sh
# The ssh module's own tests (tests/unit/test-ssh.c) against a real
# agent of the test bed: exec, SFTP, tailing, host-key refusals.
. "$(dirname "$0")/../lib.sh"

bed_up 3
rm -rf "$TEST_DIR"
JMX_TEST_SSH_HOST=$JMX_BED_ADDR_a1 JMX_TEST_SSH_USER=$JMX_BED_USER \
JMX_TEST_SSH_KEY=$JMX_BED_KEY JMX_TEST_SSH_KNOWN_HOSTS=$JMX_BED_KNOWN_HOSTS \
    exec "$JMX_BUILDDIR/tests/unit/test-ssh"
