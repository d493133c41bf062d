"""Secrets Manager rotation for generated secrets (four-step protocol).

createSecret: a new random value as AWSPENDING. setSecret: when the secret is tagged
RotationTarget=elasticache:<replication-group-id>, add the new value as a Redis AUTH token with
the ROTATE strategy: ElastiCache then accepts the new and the previous token. testSecret: connect
to the primary endpoint over TLS and AUTH with the new token (the rotation fails, and Secrets
Manager retries, unless Redis answers +OK). finishSecret: AWSPENDING becomes AWSCURRENT; when the
secret is tagged RotationRedeploy=<cluster>/<service>, that ECS service is redeployed, so every
running task reads the new token: the next ROTATE drops the previous token, and no task may still
hold it then. https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html
boto3 and the standard library only (inline code, no packaging, StackSet-safe).
"""
import socket
import ssl

import boto3

sm = boto3.client("secretsmanager")
ec = boto3.client("elasticache")
ecs = boto3.client("ecs")


def resp_command(*parts):
    """A Redis (RESP) command as bytes."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        data = part.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def redis_auth_works(host, port, token, timeout=10):
    """True when Redis at host:port accepts AUTH <token> over TLS (certificate and name verified)."""
    context = ssl.create_default_context()
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=host) as conn:
            conn.sendall(resp_command("AUTH", token))
            reply = conn.recv(512)
            if not reply.startswith(b"+OK"):
                return False
            conn.sendall(resp_command("PING"))
            return conn.recv(512).startswith(b"+PONG")


def primary_endpoint(group):
    node_group = ec.describe_replication_groups(ReplicationGroupId=group)["ReplicationGroups"][0]["NodeGroups"][0]
    endpoint = node_group["PrimaryEndpoint"]
    return endpoint["Address"], int(endpoint["Port"])


def redeploy(consumers):
    cluster, service = consumers.split("/", 1)
    try:
        ecs.update_service(cluster=cluster, service=service, forceNewDeployment=True)
    except (ecs.exceptions.ClusterNotFoundException, ecs.exceptions.ServiceNotFoundException):
        print(f"rotation: ECS service {consumers} does not exist yet; nothing to redeploy")


def handler(event, _context):
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    meta = sm.describe_secret(SecretId=arn)
    if not meta.get("RotationEnabled"):
        raise ValueError(f"rotation is not enabled for {arn}")
    versions = meta["VersionIdsToStages"]
    if token not in versions:
        raise ValueError(f"version {token} of {arn} is unknown")
    if "AWSCURRENT" in versions[token]:
        return
    if "AWSPENDING" not in versions[token]:
        raise ValueError(f"version {token} of {arn} is not AWSPENDING")
    tags = {t["Key"]: t["Value"] for t in meta.get("Tags", [])}
    target = tags.get("RotationTarget", "")
    group = target.split(":", 1)[1] if target.startswith("elasticache:") else None

    if step == "createSecret":
        try:
            sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        except sm.exceptions.ResourceNotFoundException:
            value = sm.get_random_password(PasswordLength=64, ExcludePunctuation=True, IncludeSpace=False)["RandomPassword"]
            sm.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=value, VersionStages=["AWSPENDING"])
    elif step == "setSecret" and group:
        ec.get_waiter("replication_group_available").wait(ReplicationGroupId=group)
        value = sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"]
        ec.modify_replication_group(ReplicationGroupId=group, AuthToken=value, AuthTokenUpdateStrategy="ROTATE", ApplyImmediately=True)
    elif step == "testSecret" and group:
        ec.get_waiter("replication_group_available").wait(ReplicationGroupId=group)
        value = sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"]
        host, port = primary_endpoint(group)
        if not redis_auth_works(host, port, value):
            raise ValueError(f"Redis {group} does not accept the pending AUTH token")
    elif step == "finishSecret":
        current = next(v for v, stages in versions.items() if "AWSCURRENT" in stages)
        sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current)
        if tags.get("RotationRedeploy"):
            redeploy(tags["RotationRedeploy"])
