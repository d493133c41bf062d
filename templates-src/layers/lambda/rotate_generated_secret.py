"""Secrets Manager rotation for generated secrets (four-step protocol).

createSecret: a new random value as AWSPENDING. setSecret: when the secret is tagged
RotationTarget=elasticache:<replication-group-id>, add the new value as a Redis AUTH token with
the ROTATE strategy (old and new both valid until the next rotation). testSecret: the
replication group must be available again. finishSecret: AWSPENDING becomes AWSCURRENT.
boto3 only (inline code, no packaging, StackSet-safe).
"""
import boto3

sm = boto3.client("secretsmanager")
ec = boto3.client("elasticache")


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
    elif step == "finishSecret":
        current = next(v for v, stages in versions.items() if "AWSCURRENT" in stages)
        sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current)
