"""The annual publication: freeze a year, write a letter to every council, release the data.

Owns the three scheduled steps (``steps``, ``release``), what they need from outside (``ports``),
where everything lives in the buckets (``bucket_keys``), the lease that keeps steps apart, and
the freeze, letters, mail and open data folders. Pure domain code over small interfaces;
``annual_review.wiring`` supplies the AWS adapters. Nothing is re-exported here, so importing
one module (the bucket keys, say) loads only that module.
"""
