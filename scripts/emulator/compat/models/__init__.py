"""CloudFormation models of resource types moto has no model for, on moto's own service backends."""
