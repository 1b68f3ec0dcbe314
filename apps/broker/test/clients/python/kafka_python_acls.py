# CreateAcls, DescribeAcls and DeleteAcls through kafka-python's KafkaAdminClient (Debian's
# python3-kafka): grants a principal READ on a topic and WRITE on a prefix, describes them back
# through a literal and a prefixed filter, deletes one with a filter and describes again.
from common import emit, load_params
from kafka import KafkaAdminClient
from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
)


def described(acls):
    return sorted(
        [
            {
                "principal": acl.principal,
                "host": acl.host,
                "operation": acl.operation.name,
                "permission": acl.permission_type.name,
                "resource": acl.resource_pattern.resource_name,
                "pattern": acl.resource_pattern.pattern_type.name,
            }
            for acl in acls
        ],
        key=lambda acl: (acl["resource"], acl["operation"]),
    )


def main():
    params = load_params()
    principal = params["principal"]
    topic = params["topic"]
    prefix = params["prefix"]
    admin = KafkaAdminClient(bootstrap_servers=params["bootstrap"], client_id="python-acls")
    try:
        read = ACL(
            principal,
            "*",
            ACLOperation.READ,
            ACLPermissionType.ALLOW,
            ResourcePattern(ResourceType.TOPIC, topic, ACLResourcePatternType.LITERAL),
        )
        write = ACL(
            principal,
            "*",
            ACLOperation.WRITE,
            ACLPermissionType.ALLOW,
            ResourcePattern(ResourceType.TOPIC, prefix, ACLResourcePatternType.PREFIXED),
        )
        created = admin.create_acls([read, write])

        def for_principal(name, pattern_type):
            return ACLFilter(
                principal=principal,
                host=None,
                operation=ACLOperation.ANY,
                permission_type=ACLPermissionType.ANY,
                resource_pattern=ResourcePatternFilter(ResourceType.TOPIC, name, pattern_type),
            )

        literal, _ = admin.describe_acls(for_principal(topic, ACLResourcePatternType.LITERAL))
        prefixed, _ = admin.describe_acls(for_principal(prefix, ACLResourcePatternType.PREFIXED))
        anything, _ = admin.describe_acls(for_principal(None, ACLResourcePatternType.ANY))
        deletions = admin.delete_acls([for_principal(prefix, ACLResourcePatternType.PREFIXED)])
        after, _ = admin.describe_acls(for_principal(None, ACLResourcePatternType.ANY))
        emit(
            {
                "created": len(created["succeeded"]),
                "failed": len(created["failed"]),
                "literal": described(literal),
                "prefixed": described(prefixed),
                "all": described(anything),
                "deleted": [described([acl for acl, _ in acls]) for _, acls, _ in deletions],
                "after": described(after),
            }
        )
    finally:
        admin.close()


if __name__ == "__main__":
    main()
