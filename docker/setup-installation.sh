#!/bin/sh
# Creates the "cluster" installation once and writes its operator.conf for the NATS nodes.
set -eu
tower() { node /app/bin/tower.js "$@"; }

tower init >/dev/null
id=$(tower installation list | awk '$2 == "cluster" { print $1 }')
if [ -z "$id" ]; then
  id=$(tower installation create --name cluster \
    --url nats://n1:4222 --url nats://n2:4222 --url nats://n3:4222 \
    --description "Three-node cluster from docker/compose.yaml")
fi
tower installation config "$id" --only operator > /settings/operator.conf
echo "installation $id ready; operator.conf written"
