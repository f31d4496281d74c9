"""AWS access, behind small interfaces the domain defines. Only this package imports boto3."""
