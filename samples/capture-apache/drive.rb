#!/usr/bin/ruby
# Drives a Ruby HTTP library through the steps of sequence.json from its own loopback address, with the
# library's own redirect following (no follow loop written here) and its default User-Agent.
# Usage: ruby drive.rb httparty|rest-client|http.rb|faraday <local address>
#   httparty    : HTTParty (follows redirects by default)
#   rest-client : RestClient::Request.execute (follows redirects by default, for GET/HEAD; see README)
#   http.rb     : HTTP.follow (http.rb follows only when asked to)
#   faraday     : Faraday with faraday_middleware's FollowRedirects (Faraday 1 follows only with it)
# The local address: Net::HTTP (under HTTParty, rest-client and Faraday's default adapter) gets local_host
# set before it connects; http.rb gets a socket class that binds it. Errors are printed and the run goes on.
require 'json'
require 'socket'
require 'net/http'

client, LOCAL = ARGV
seq = JSON.parse(File.read(File.join(__dir__, 'sequence.json')))
FORM = { 'Content-Type' => 'application/x-www-form-urlencoded' }.freeze

module BindLocalHost
  def connect
    self.local_host ||= LOCAL
    super
  end
end
Net::HTTP.prepend(BindLocalHost)

class BoundSocket < TCPSocket
  def self.open(host, port, *_rest)
    TCPSocket.new(host, port, LOCAL)
  end
end

senders = {
  'httparty' => lambda do
    require 'httparty'
    lambda do |m, url, body|
      r = HTTParty.send(m.downcase, url, body: body, headers: body ? FORM : {})
      "#{r.code} #{r.request.last_uri}"
    end
  end,
  'rest-client' => lambda do
    require 'rest-client'
    lambda do |m, url, body|
      r = RestClient::Request.execute(method: m.downcase.to_sym, url: url, payload: body, headers: body ? FORM : {})
      "#{r.code} #{r.request.url} (#{r.history.length} redirects)"
    rescue RestClient::Exception => e
      "#{e.class}: #{e.http_code}"
    end
  end,
  'http.rb' => lambda do
    require 'http'
    lambda do |m, url, body|
      c = HTTP.follow.headers(body ? FORM : {})
      r = c.request(m.downcase.to_sym, url, body: body, socket_class: BoundSocket)
      r.to_s
      "#{r.code} #{r.uri}"
    end
  end,
  'faraday' => lambda do
    require 'faraday'
    require 'faraday_middleware'
    conn = Faraday.new do |f|
      f.use FaradayMiddleware::FollowRedirects
      f.adapter Faraday.default_adapter
    end
    lambda do |m, url, body|
      r = conn.run_request(m.downcase.to_sym, url, body, body ? FORM : {})
      "#{r.status} #{r.env.url}"
    end
  end
}

send_one = senders.fetch(client).call
seq['steps'].each do |step|
  m, path = step['method'], step['path']
  body = %w[POST PUT].include?(m) ? seq['body'] : nil
  outcome = begin
    send_one.call(m, seq['base'] + path, body)
  rescue StandardError => e
    "error: #{e.class}: #{e.message.lines.first&.strip}"
  end
  puts "  #{client}@#{LOCAL} #{m} #{path} -> #{outcome}"
  $stdout.flush
  sleep 0.05
end
