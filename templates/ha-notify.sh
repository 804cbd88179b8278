#!/bin/sh
# Written by ha-setup. keepalived runs this on every VRRP state change of this node:
# {{howCalled}}
# It tells each channel named in {{secretsFile}} (root only, 0600: URLs with their
# tokens, robot secrets, the SMTP login) which instance went from which state to which.
#
# It never holds keepalived up: each event is delivered in the background, every request
# is cut off after {{timeout}} s, and at most {{perMinute}} messages per instance and minute are sent
# (a flapping check must not flood a chat group). The secrets file is read line by line,
# never run as shell. `ha-notify.sh --test` sends one test message through every channel
# and prints one line per channel (what `ha-setup notify test` reads).

SECRETS='{{secretsFile}}'
STATE_DIR='{{stateDir}}'
NODE='{{node}}'
TIMEOUT={{timeout}}
PER_MINUTE={{perMinute}}
# keepalived may start scripts with a bare environment: the usual directories after its own.
PATH=${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 077

# The VIPs of each instance, as keepalived.conf has them.
vips_of() {
    case "$1" in
{{vipCases}}
        *) printf '%s' '-' ;;
    esac
}

# The value of KEY in the secrets file (key=value lines), empty when absent.
secret() {
    [ -r "$SECRETS" ] || return 0
    while IFS= read -r line; do
        case "$line" in
            "$1="*) printf '%s' "${line#*=}"; return 0 ;;
        esac
    done < "$SECRETS"
}

# A string as the inside of a JSON string.
json_escape() {
    printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | awk 'BEGIN { ORS = "" } NR > 1 { print "\\n" } { print }'
}

# A string as the inside of a double-quoted curl config value.
cfg_escape() {
    printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'
}

{{messageFunctions}}

# POST stdin as JSON to URL ($1); the URL (and its token) goes to curl on fd 3, not argv.
# Prints the answer; fails on a transport error or an HTTP error status.
post_json() {
    curl --silent --show-error --fail --connect-timeout 3 --max-time "$TIMEOUT" \
        -H 'Content-Type: application/json; charset=utf-8' --data-binary @- -K /dev/fd/3 3<<EOF
url = "$(cfg_escape "$1")"
EOF
}

# base64(HMAC-SHA256(key $1, message on stdin)), one line.
hmac_b64() {
    openssl dgst -sha256 -hmac "$1" -binary | openssl base64 -A
}

urlencode_b64() {
    printf '%s' "$1" | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g'
}

# A robot's answer: HTTP 200 with an error code in the body is still a failure.
# DingTalk and WeCom answer errcode, Feishu code (older hooks StatusCode); 0 is success.
robot_ok() {
    printf '%s' "$1" | grep -Eq '"(errcode|code|StatusCode)"[[:space:]]*:[[:space:]]*0[[:space:]]*[,}]' && return 0
    printf '%s\n' "$1" | head -c 300
    return 1
}

send_webhook() {
    url=$(secret webhook)
    body="{\"source\":\"ha-setup\",\"node\":\"$(json_escape "$NODE")\",\"instance\":\"$(json_escape "$inst")\",\"old_state\":\"$old\",\"new_state\":\"$new\",\"priority\":\"$prio\",\"vips\":\"$(json_escape "$vips")\",\"time\":\"$when\",\"test\":$is_test,\"text\":\"$(json_escape "$(message_text)")\"}"
    printf '%s' "$body" | post_json "$url" >/dev/null
}

send_dingtalk() {
    url=$(secret dingtalk)
    key=$(secret dingtalk_secret)
    if [ -n "$key" ]; then
        ts=$(date +%s)000
        sign=$(printf '%s\n%s' "$ts" "$key" | hmac_b64 "$key")
        url="$url&timestamp=$ts&sign=$(urlencode_b64 "$sign")"
    fi
    answer=$(printf '{"msgtype":"text","text":{"content":"%s"}}' "$(json_escape "$(message_text)")" | post_json "$url") || return 1
    robot_ok "$answer"
}

send_wecom() {
    answer=$(printf '{"msgtype":"text","text":{"content":"%s"}}' "$(json_escape "$(message_text)")" | post_json "$(secret wecom)") || return 1
    robot_ok "$answer"
}

send_feishu() {
    key=$(secret feishu_secret)
    signed=''
    if [ -n "$key" ]; then
        ts=$(date +%s)
        sign=$(printf '' | hmac_b64 "$(printf '%s\n%s' "$ts" "$key")")
        signed="\"timestamp\":\"$ts\",\"sign\":\"$sign\","
    fi
    answer=$(printf '{%s"msg_type":"text","content":{"text":"%s"}}' "$signed" "$(json_escape "$(message_text)")" | post_json "$(secret feishu)") || return 1
    robot_ok "$answer"
}

send_email() {
    from=$(secret mail_from)
    to=$(secret mail_to)
    user=$(secret smtp_user)
    tls=''
    [ "$(secret smtp_starttls)" = 1 ] && tls='--ssl-reqd'
    subject="=?UTF-8?B?$(message_subject | openssl base64 -A)?="
    {
        printf 'From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n' "$from" "$to" "$subject" "$(LC_ALL=C date -R)"
        printf 'Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
        message_text | awk '{ printf "%s\r\n", $0 }'
    } | curl --silent --show-error --connect-timeout 3 --max-time "$TIMEOUT" $tls \
        --mail-from "$from" --mail-rcpt "$to" --upload-file - -K /dev/fd/3 3<<EOF
url = "$(cfg_escape "$(secret smtp_url)")"
$( [ -n "$user" ] && printf 'user = "%s"' "$(cfg_escape "$user:$(secret smtp_password)")" )
EOF
}

# The channels set in the secrets file, in a fixed order.
channels() {
    for c in webhook dingtalk wecom feishu; do
        [ -n "$(secret "$c")" ] && printf '%s\n' "$c"
    done
    [ -n "$(secret smtp_url)" ] && printf '%s\n' email
}

log() {
    command -v logger >/dev/null 2>&1 && logger -t ha-setup-notify -- "$*"
    return 0
}

deliver_all() {
    for c in $(channels); do
        ( out=$("send_$c" 2>&1) || log "$c: $inst $old -> $new not delivered: $out" ) &
    done
    wait
}

# At most PER_MINUTE messages per instance in the last 60 s; counts in the state dir.
allowed() {
    now=$(date +%s)
    f="$STATE_DIR/sent.$1"
    kept=''
    count=0
    if [ -r "$f" ]; then
        while read -r sent; do
            if [ $((now - sent)) -lt 60 ]; then
                kept="$kept$sent
"
                count=$((count + 1))
            fi
        done < "$f"
    fi
    [ "$count" -ge "$PER_MINUTE" ] && return 1
    printf '%s%s\n' "$kept" "$now" > "$f"
}

# Events leave in the order keepalived wrote them: event N is sent once N-1 is done (or
# its time is up), without ever blocking the reader.
wait_turn() {
    [ "$1" -le 1 ] && return 0
    tries=0
    while [ ! -e "$STATE_DIR/done.$(($1 - 1))" ] && [ "$tries" -lt $((TIMEOUT * 10 + 20)) ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
}

# One state change: instance $1 now in state $2 with priority $3; $4 its place in the order (0: none).
event() {
    inst=$1
    new=$2
    prio=$3
    seq=$4
    is_test=false
    key=$(printf '%s' "$inst" | tr -c 'A-Za-z0-9_.-' '_')
    old=$(cat "$STATE_DIR/state.$key" 2>/dev/null)
    [ -n "$old" ] || old=UNKNOWN
    # keepalived repeats a state after a reload: that is no change.
    [ "$old" = "$new" ] && return 0
    printf '%s\n' "$new" > "$STATE_DIR/state.$key"
    if ! allowed "$key"; then
        log "$inst $old -> $new: more than $PER_MINUTE messages in a minute, not sent"
        return 0
    fi
    when=$(date '+%Y-%m-%d %H:%M:%S %z')
    vips=$(vips_of "$inst")
    (
        wait_turn "$seq"
        deliver_all
        : > "$STATE_DIR/done.$seq"
        rm -f "$STATE_DIR/done.$((seq - 1))"
    ) </dev/null >/dev/null 2>&1 &
}

# keepalived's fifo: one line per change, `INSTANCE "VI_1" MASTER 150`, until it stops.
listen() {
    rm -f "$STATE_DIR"/done.*
    n=0
    while :; do
        while read -r kind name state priority rest; do
            [ "$kind" = INSTANCE ] || continue
            name=${name#\"}
            name=${name%\"}
            n=$((n + 1))
            event "$name" "$state" "$priority" "$n"
        done < "$1" || exit 0
    done
}

# One test message through every channel, synchronously: `CHANNEL ok` or `CHANNEL fail DETAIL`.
test_all() {
    inst='-' old='-' new=TEST prio='-' is_test=true
    vips=$(vips_of '{{firstInstance}}')
    when=$(date '+%Y-%m-%d %H:%M:%S %z')
    list=$(channels)
    [ -n "$list" ] || { printf 'none\n'; exit 3; }
    status=0
    for c in $list; do
        if out=$("send_$c" 2>&1); then
            printf '%s ok\n' "$c"
        else
            printf '%s fail %s\n' "$c" "$(printf '%s' "$out" | tr '\n' ' ' | head -c 300)"
            status=1
        fi
    done
    exit "$status"
}

mkdir -p "$STATE_DIR" 2>/dev/null
case "$1" in
    --test) test_all ;;
    INSTANCE) event "$2" "$3" "$4" 0 ;;
    GROUP) exit 0 ;;
    *) [ "$#" -ge 1 ] && [ -p "${1:-}" ] && listen "$1" ;;
esac
exit 0
