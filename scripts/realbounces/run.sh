#!/usr/bin/env bash
# Generate real bounces with Debian's own MTAs (see README.md beside this
# file). Run by hand as root on a Debian machine; never run by CI: it
# installs and purges packages and adds a user.
#
#   scripts/realbounces/run.sh [postfix|exim4|sendmail|opensmtpd|courier ...]
#
# For each MTA: install the package (services are not started), configure it
# to deliver bounces to the local user "helpdesk" and to retry and warn
# within minutes, start it inside the network namespace bt-realbounces, where
# the fake peer (peer/) is the only other host (DNS and SMTP on 127.0.0.2),
# submit the test messages with the MTA's own sendmail interface, wait until
# its queue is empty, sort the bounces into
# testdata/eml/real-<mta>/<case>.eml, stop the MTA and purge the package.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
NS=bt-realbounces
HOST=mta.bounce-test.example
SENDER=helpdesk@$HOST
work=${WORK:-/tmp/realbounces}
peer=$work/peer
MAXWAIT=${MAXWAIT:-480}

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

# ---- the test messages -------------------------------------------------

# message CASE RCPT... writes a plain help-desk notification.
message() {
	local c=$1
	shift
	local to
	to=$(printf '%s, ' "$@")
	cat <<EOF
From: Acme Support <$SENDER>
To: ${to%, }
Subject: [Acme Support] Test notification ($c)
Date: $(date -R)
Message-ID: <bt-case-$c.$(date +%s).$MTA@$HOST>
X-Bt-Case: bt-case-$c
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hello,

this is the help desk of Acme. Your request has been updated.

Test case bt-case-$c, sent by $MTA.
EOF
}

# zendesk writes a notification with Zendesk's references: the encoded
# ticket id in the Message-ID, the body and the Reply-To address.
zendesk() {
	cat <<EOF
From: Acme Support <support@acme.zendesk.example>
Reply-To: Acme Support <support+idABCDEF-1234@acme.zendesk.example>
To: $1
Subject: [Acme Support] Re: Where is my order?
Date: $(date -R)
Message-ID: <ABCDEF1234_$(printf '%x' "$(date +%s)")_5e4f_sprut@zendesk.com>
X-Bt-Case: bt-case-zendesk
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

##- Please type your reply above this line -##

Your request (1234) has been updated. To add additional comments, reply
to this email or follow the link below:
https://acme.zendesk.example/hc/en-us/requests/1234

Acme Support

[ABCDEF-1234]
EOF
}

# send_all submits every test case through the MTA's sendmail interface.
send_all() {
	local c
	for c in unknown full disabled blocked relay greylist dmarc big data-reject; do
		message "$c" "$c@example.net" | sendmail -oi -f "$SENDER" -- "$c@example.net"
	done
	message nohost nohost@no-such-domain.example | sendmail -oi -f "$SENDER" -- nohost@no-such-domain.example
	message refused refused@down.example.net | sendmail -oi -f "$SENDER" -- refused@down.example.net
	message multi unknown@example.net full@example.net disabled@example.net ok@example.net |
		sendmail -oi -f "$SENDER" -- unknown@example.net full@example.net disabled@example.net ok@example.net
	zendesk unknown2@example.net | sendmail -oi -f "$SENDER" -- unknown2@example.net
}

# ---- per MTA: packages, configuration, start/stop, queue ----------------

packages() {
	case $1 in
	postfix) echo postfix ;;
	exim4) echo exim4-daemon-light exim4-config ;;
	sendmail) echo sendmail-bin sendmail-cf sensible-mda ;;
	opensmtpd) echo opensmtpd ;;
	courier) echo courier-mta courier-base courier-authdaemon ;;
	esac
}

preseed() {
	debconf-set-selections <<EOF
postfix postfix/main_mailer_type select No configuration
exim4-config exim4/dc_eximconfig_configtype select internet site; mail is sent and received directly using SMTP
exim4-config exim4/mailname string $HOST
opensmtpd opensmtpd/mailname string $HOST
courier-base courier-base/webadmin-configmode boolean false
EOF
}

configure() {
	echo "$HOST" >/etc/mailname
	case $1 in
	postfix)
		cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf 2>/dev/null || : >/etc/postfix/main.cf
		postconf -e "myhostname = $HOST" "mydomain = bounce-test.example" 'myorigin = $myhostname' \
			'mydestination = $myhostname, localhost' 'inet_interfaces = loopback-only' 'inet_protocols = ipv4' \
			'alias_maps = hash:/etc/aliases' 'alias_database = hash:/etc/aliases' 'relayhost =' \
			'mynetworks = 127.0.0.0/8' 'smtp_tls_security_level = none' 'smtpd_tls_security_level = none' \
			'compatibility_level = 3.6' 'maximal_queue_lifetime = 4m' 'bounce_queue_lifetime = 4m' \
			'delay_warning_time = 1m' 'queue_run_delay = 20s' 'minimal_backoff_time = 20s' \
			'maximal_backoff_time = 40s' 'mailbox_size_limit = 0'
		postconf -F '*/*/chroot = n'
		newaliases
		;;
	exim4)
		cat >/etc/exim4/update-exim4.conf.conf <<EOF
dc_eximconfig_configtype='internet'
dc_other_hostnames='$HOST'
dc_local_interfaces='127.0.0.1'
dc_readhost=''
dc_relay_domains=''
dc_minimaldns='false'
dc_relay_nets=''
dc_smarthost=''
CFILEMODE='644'
dc_use_split_config='false'
dc_hide_mailname=''
dc_mailname_in_oh='true'
dc_localdelivery='mail_spool'
EOF
		# Main options may stand in the macro file: it is included at
		# the top of the main section. The dnslookup router must accept
		# MX hosts on loopback (the peer).
		cat >/etc/exim4/exim4.conf.localmacros <<EOF
delay_warning = 1m:24h
ROUTER_DNSLOOKUP_IGNORE_TARGET_HOSTS = <; 0.0.0.0 ; 255.255.255.255
EOF
		# Retry every 20 seconds, give up after 4 minutes.
		sed -i 's/^\*[[:space:]]\+\*[[:space:]]\+F,2h,15m.*/*                      *           F,4m,20s/' \
			/etc/exim4/exim4.conf.template
		update-exim4.conf
		;;
	sendmail)
		sed -i '/^MAILER_DEFINITIONS/i\
define(`confTO_QUEUEWARN'"'"', `1m'"'"')dnl\
define(`confTO_QUEUERETURN'"'"', `4m'"'"')dnl\
define(`confMIN_QUEUE_AGE'"'"', `0m'"'"')dnl\
define(`confDOMAIN_NAME'"'"', `'"$HOST'"')dnl' /etc/mail/sendmail.mc
		echo "$HOST" >>/etc/mail/local-host-names
		make -C /etc/mail >/dev/null
		;;
	opensmtpd)
		cat >/etc/smtpd.conf <<EOF
table aliases file:/etc/aliases
listen on 127.0.0.1
bounce warn-interval 1m
queue ttl 4m
action "local" mbox alias <aliases>
action "outbound" relay
match from local for local action "local"
match from local for any action "outbound"
EOF
		;;
	courier)
		echo "$HOST" >/etc/courier/me
		printf 'localhost\n%s\n' "$HOST" >/etc/courier/locals
		echo 4m >/etc/courier/queuetime
		echo 1m >/etc/courier/warntime
		echo 20 >/etc/courier/retryalpha
		echo 1 >/etc/courier/retrybeta
		echo 20 >/etc/courier/retrygamma
		echo 1 >/etc/courier/retrymaxdelta
		makealiases || true
		;;
	esac
}

start() {
	case $1 in
	postfix) postfix start ;;
	exim4) exim4 -bd -q20s ;;
	sendmail) /usr/sbin/sendmail -bd -q20s ;;
	opensmtpd) smtpd ;;
	courier)
		authdaemond start || /usr/sbin/authdaemond start || true
		courier start
		;;
	esac
}

stop() {
	case $1 in
	postfix) postfix stop ;;
	exim4) kill "$(cat /run/exim4/exim.pid)" ;;
	sendmail) kill "$(head -1 /run/sendmail/mta/sendmail.pid)" ;;
	opensmtpd) : ;; # smtpctl has no stop: reap() ends it
	courier)
		courier stop
		authdaemond stop || true
		;;
	esac
}

flush() {
	case $1 in
	postfix) postqueue -f ;;
	exim4) exim4 -qff ;;
	sendmail) /usr/sbin/sendmail -q ; /usr/sbin/sendmail -Ac -q ;;
	opensmtpd) smtpctl schedule all ;;
	courier) courier flush ;;
	esac >/dev/null 2>&1 || true
}

queued() {
	case $1 in
	postfix) postqueue -j | wc -l ;;
	exim4) exim4 -bpc ;;
	sendmail) { mailq; mailq -Ac; } 2>/dev/null | grep -c '^[[:alnum:]]\{8,\}[*[:space:]]' || true ;;
	opensmtpd) smtpctl show queue | wc -l ;;
	courier) find /var/lib/courier/msgs -type f -name 'C*' | wc -l ;;
	esac
}

mailboxes() {
	echo /var/mail/helpdesk /home/helpdesk/Maildir
}

# inside runs in the namespace with its own host name: start the MTA,
# send, wait for the queue to drain, stop.
inside() {
	MTA=$1
	hostname "$HOST"
	start "$MTA"
	sleep 3
	send_all
	local t=0 n
	sleep 20
	while [ "$t" -lt "$MAXWAIT" ]; do
		n=$(queued "$MTA")
		log "$MTA: ${t}s, $n in queue"
		[ "$n" -eq 0 ] && break
		flush "$MTA"
		sleep 20
		t=$((t + 20))
	done
	sleep 5
	stop "$MTA" || true
	sleep 2
	reap
}

# reap ends what is left of the MTA: the processes of the namespace that
# share this shell's host name namespace (the peer does not), but not this
# shell and the processes that started it.
reap() {
	local me p
	me=$(readlink /proc/$$/ns/uts)
	for p in $(ip netns pids "$NS"); do
		[ "$p" = $$ ] || [ "$p" = "$PPID" ] && continue
		[ "$(readlink "/proc/$p/ns/uts" 2>/dev/null)" = "$me" ] || continue
		grep -q -- '--inside\|--one' "/proc/$p/cmdline" 2>/dev/null && continue
		kill "$p" 2>/dev/null || true
	done
}

# one MTA: install, configure, run, collect, purge (in its own process, so
# that a failure stops only this MTA and the package is purged all the same).
one() {
	mta=$1
	local m out
	purge() {
		log "$mta: purging"
		# shellcheck disable=SC2046 # one package a word
		apt-get purge -y -q $(packages "$mta") >>"$work/$mta-install.log" 2>&1
		apt-get autoremove --purge -y -q >>"$work/$mta-install.log" 2>&1
	}
	trap purge EXIT
	log "$mta: installing $(packages "$mta")"
	# shellcheck disable=SC2046
	apt-get install -y -q --no-install-recommends $(packages "$mta") >"$work/$mta-install.log" 2>&1
	# shellcheck disable=SC2046
	dpkg-query -W $(packages "$mta") >"$work/$mta-versions.txt"
	configure "$mta"
	rm -rf /var/mail/helpdesk /home/helpdesk/Maildir "$work/$mta"
	if [ "$mta" = courier ]; then
		su -s /bin/sh helpdesk -c 'maildirmake /home/helpdesk/Maildir'
	fi
	ip netns exec "$NS" unshare --uts "$0" --inside "$mta"
	mkdir -p "$work/$mta"
	for m in $(mailboxes); do
		if [ -e "$m" ]; then cp -a "$m" "$work/$mta/"; fi
	done
	out=$repo/testdata/eml/real-$mta
	rm -rf "$out"
	# shellcheck disable=SC2046
	"$peer" sort -out "$out" -host "$(hostname)" $(ls -d "$work/$mta"/*)
}

case ${1:-} in
--inside)
	inside "$2"
	exit
	;;
--one)
	one "$2"
	exit
	;;
esac

# ---- the run ------------------------------------------------------------

[ "$(id -u)" = 0 ] || { echo "run.sh: must run as root" >&2; exit 1; }
mkdir -p "$work"
(cd "$repo" && go build -o "$peer" ./scripts/realbounces/peer)
apt-get update -qq
preseed

# Remember what the machine had, to leave it as found.
for f in /etc/aliases /etc/mailname; do
	[ -e "$f" ] && cp -a "$f" "$work/saved$(basename "$f")" || true
done
# Configuration the MTAs leave behind after a purge (our own edits).
leftovers=()
for d in /etc/exim4 /etc/mail /etc/courier /etc/postfix /etc/smtpd.conf; do
	[ -e "$d" ] || leftovers+=("$d")
done
mailmode=$(stat -c %a /var/mail)
[ -e /var/mail/root ] && rootmail=yes || rootmail=""
created_user=""
if ! id helpdesk >/dev/null 2>&1; then
	useradd -m -s /usr/sbin/nologin helpdesk
	created_user=yes
fi

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
# An address besides 127.0.0.1, so that resolvers asked for AI_ADDRCONFIG
# (OpenSMTPD's) believe IPv4 is configured and return the peer's address.
ip netns exec "$NS" ip addr add 127.0.0.9/32 dev lo
mkdir -p "/etc/netns/$NS"
echo "nameserver 127.0.0.2" >"/etc/netns/$NS/resolv.conf"
printf '127.0.0.1\tlocalhost\n127.0.0.1\t%s mta\n' "$HOST" >"/etc/netns/$NS/hosts"
ip netns exec "$NS" "$peer" serve -log "$work/smtp.log" &
peer_pid=$!

cleanup() {
	local p
	for p in $(ip netns pids "$NS" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
	kill "$peer_pid" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "/etc/netns/$NS"
	rmdir /etc/netns 2>/dev/null || true
	[ -n "$created_user" ] && userdel -r helpdesk 2>/dev/null || true
	rm -f /var/mail/helpdesk
	[ -n "$rootmail" ] || rm -f /var/mail/root
	chmod "$mailmode" /var/mail
	rm -rf "${leftovers[@]}"
	for f in aliases mailname; do
		if [ -e "$work/saved$f" ]; then cp -a "$work/saved$f" "/etc/$f"; else rm -f "/etc/$f" "/etc/$f.db"; fi
	done
}
trap cleanup EXIT
sleep 1

mtas=("$@")
[ ${#mtas[@]} -gt 0 ] || mtas=(postfix exim4 sendmail opensmtpd courier)
for mta in "${mtas[@]}"; do
	"$0" --one "$mta" || log "$mta: FAILED, see $work/$mta-install.log"
done
log "done; versions in $work/*-versions.txt"
