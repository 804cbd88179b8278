#!/bin/sh
# Written by ha-setup. keepalived runs this every {{interval}} s (vrrp_script {{scriptName}}).
# Exit 0 only when nginx answers HTTP on this node. A process named nginx is not enough:
# a hung or misconfigured nginx still has processes, and in containers or namespaces
# another node's nginx can be visible too. Any HTTP answer counts, even an error page:
# the backup would return the same page from the same upstreams.
#
# While {{maintenanceFlag}} exists the check fails on purpose, so the VIP
# moves to the peer without stopping anything (`touch` it to drain this node, `rm` it to
# bring it back).

if [ -e '{{maintenanceFlag}}' ]; then
    exit 3
fi

# One retry after a short pause absorbs a single slow answer without delaying failover.
for attempt in 1 2; do
    if curl --silent --output /dev/null --max-time {{curlTimeout}} '{{url}}'; then
        exit 0
    fi
    [ "$attempt" = 1 ] && sleep {{retryDelay}}
done
exit 1
