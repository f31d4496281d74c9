"""The edge the Lambda functions stand on: the scheduled step's glue and the
composition root that builds the AWS adapters.
"""
