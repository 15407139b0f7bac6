#!/usr/bin/env bash
# Run once per `docker compose up` by the rabbitmq-users service: one RabbitMQ user per TradeHub service with the
# permissions of permissions.tsv (deploy/rabbitmq) on the virtual host, and the password of its variable
# TRADEHUB_RABBITMQ_<SERVICE>_PASSWORD (at least 16 characters). Existing users get the current password.
set -euo pipefail

# stdin closed: rabbitmqctl would otherwise read (and swallow) the rest of the list.
ctl() { rabbitmqctl -q -n "$TRADEHUB_RABBITMQ_NODE" "$@" </dev/null; }

while IFS=$'\t' read -r user configure write read; do
    [[ -z "$user" || "$user" == \#* ]] && continue
    service="${user#tradehub-}"
    variable="TRADEHUB_RABBITMQ_${service^^}_PASSWORD"
    password="${!variable:-}"
    if ((${#password} < 16)); then
        echo "error: $variable must be set to a random password of at least 16 characters" >&2
        exit 1
    fi
    if ctl list_users | cut -f1 | grep -qx -- "$user"; then
        ctl change_password "$user" "$password"
    else
        ctl add_user "$user" "$password"
    fi
    ctl set_user_tags "$user"
    ctl set_permissions -p "$TRADEHUB_RABBITMQ_VHOST" "$user" "$configure" "$write" "$read"
    echo "rabbitmq user $user: permissions set on vhost $TRADEHUB_RABBITMQ_VHOST"
done </tradehub/permissions.tsv
