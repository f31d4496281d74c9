"""The council registry: the councils, when each existed, their facts, and
checking a registry file before it is uploaded.
"""
