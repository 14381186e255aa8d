# The ruby-saml side of tests/ruby_oracle.rs: runs OneLogin::RubySaml::Response#is_valid? the way
# GitLab's OmniAuth strategy does (soft = false: the first failed validation raises and its
# message is what GitLab shows), on jobs read as JSON from stdin, and prints one JSON result per
# job on stdout.
#
# A job: {"id", "xml" (the decoded Response), "fingerprint" (SHA-1 hex) or "certs" (PEM list;
# one is settings.idp_cert, several are settings.idp_cert_multi), "sp_key" (PEM),
# "sp_entity_id", "acs_url", "at" (RFC 3339, the stubbed clock) or null with "drift" (seconds of
# allowed_clock_drift; a huge one turns the time checks off)}.
# A result: {"id", "valid", "error" (the message raised, or null), "errors" (all collected),
# "exception" (the class when something other than a ValidationError was raised)}.
require "json"
require "time"
require "onelogin/ruby-saml"

# The clock ruby-saml reads (Time.now.utc in validate_conditions, validate_session_expiration and
# validate_subject_confirmation) is stubbed per job.
module StubbedClock
  def now
    $stubbed_now || super
  end
end
Time.singleton_class.prepend(StubbedClock)

def settings_for(job)
  s = OneLogin::RubySaml::Settings.new
  s.sp_entity_id = job["sp_entity_id"]
  s.assertion_consumer_service_url = job["acs_url"]
  certs = job["certs"] || []
  if job["fingerprint"]
    s.idp_cert_fingerprint = job["fingerprint"]
    s.idp_cert = certs.first if certs.size == 1
  elsif certs.size == 1
    s.idp_cert = certs.first
  elsif certs.size > 1
    s.idp_cert_multi = { signing: certs, encryption: [] }
  end
  s.private_key = job["sp_key"] if job["sp_key"]
  s
end

def judge(job)
  $stubbed_now = job["at"] && Time.parse(job["at"])
  options = { settings: settings_for(job) }
  options[:allowed_clock_drift] = job["drift"] if job["drift"]
  response = OneLogin::RubySaml::Response.new(job["xml"], options)
  response.soft = false
  begin
    # OmniAuth's strategy reads the attributes before it validates (omniauth-saml,
    # Strategies::SAML#handle_response).
    response.attributes
    valid = response.is_valid?
    { "valid" => valid, "error" => nil, "errors" => response.errors }
  rescue OneLogin::RubySaml::ValidationError => e
    { "valid" => false, "error" => e.message.split("\n\n").first, "errors" => response.errors }
  end
rescue StandardError, ScriptError => e
  { "valid" => false, "error" => e.message.lines.first.to_s.strip, "errors" => [], "exception" => e.class.name }
ensure
  $stubbed_now = nil
end

JSON.parse($stdin.read).each do |job|
  puts JSON.generate(judge(job).merge("id" => job["id"]))
end
