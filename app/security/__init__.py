"""Who may write (admin token, session cookie), CSRF tokens, and the middleware every response
passes through: request ids, security headers, body size limit, rate limit on writes."""
